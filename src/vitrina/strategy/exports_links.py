"""Clicks of the short links as a section of the period (and annual) report and a block
of the analytics dashboard, contributed through the export registry: analytics knows
nothing of the strategy."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from vitrina.core.exports import registry
from vitrina.core.exports.sections import Column, Kind, Meta, Section, Table
from vitrina.strategy.links import clicks_by

REPORT = "analytics.report"  # the period report, whose owner this module never imports
DASHBOARD = "analytics.dashboard"  # the dashboard's blocks from other modules


def _bounds(meta: Meta) -> tuple[datetime | None, datetime | None]:
    zone = ZoneInfo(meta.zone)
    start = datetime.combine(meta.date_from, time(), zone) if meta.date_from else None
    end = datetime.combine(meta.date_to + timedelta(days=1), time(), zone) if meta.date_to else None
    return start, end


def clicks_section(meta: Meta) -> list[Section]:
    """Clicks of the short links by resource and channel in the document's days."""
    if meta.organisation is None:
        return []
    start, end = _bounds(meta)
    summary = clicks_by(
        organisation_id=meta.organisation.pk,
        start=start,
        end=end,
        library_id=meta.library.pk if meta.library is not None else None,
    )
    rows = [[row["resource"], row["channel"] or "—", row["clicks"]] for row in summary["rows"]]
    if rows:
        rows.append([_("Total"), "", summary["total"]])
    return [
        Table(
            heading=_("Visits to the library's resources from the networks (short links)"),
            columns=[
                Column(_("Resource"), width=24),
                Column(_("Channel"), width=36, wrap=True),
                Column(_("Clicks"), Kind.INTEGER),
            ],
            rows=rows,
            total=bool(rows),
            empty=_("No clicks of short links in this period."),
            note=_(
                "Clicks of crawlers and link previews are not counted, nor a click repeated "
                "from the same browser within %(minutes)s min."
            )
            % {"minutes": max(1, settings.SHORTLINK_REPEAT_SECONDS // 60)},
        )
    ]


for document in (REPORT, DASHBOARD):
    registry.contribute(
        registry.Contribution(
            document=document, key="strategy.shortlink_clicks", build=clicks_section
        )
    )
