"""The inbox's documents: the reference inquiries answered in a year (by month and by
library), and its section of the period report (the inquiries answered in its days),
contributed through the export registry so that analytics knows nothing of the inbox."""

from datetime import date
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.core import rules
from vitrina.core.exports import registry
from vitrina.core.exports.sections import XLSX, Column, Document, Kind, Meta, Section, Table
from vitrina.inbox import reference, selectors
from vitrina.inbox.models import ReferenceInquiry

INQUIRIES = "inbox.inquiries"
REPORT = "analytics.report"  # the period report, whose owner this module never imports


def _counts(title: str, kinds) -> list[Column]:
    return [
        Column(title, width=40, wrap=True),
        *(Column(label, Kind.INTEGER) for label in kinds),
        Column(_("Total"), Kind.INTEGER),
    ]


def inquiries_document(counts: dict, *, year: int, organisation) -> Document:
    """Answered inquiries of a year: a sheet by month and a sheet by library."""
    title = _("Reference inquiries answered in virtual mode, %(year)s — %(organisation)s") % {
        "year": year,
        "organisation": organisation.name,
    }
    kinds = [str(kind.label) for kind in counts["kinds"]]
    months = [
        [date_format(date(year, row["month"], 1), "F"), *row["counts"], row["total"]]
        for row in counts["months"]
    ]
    months.append([_("Year"), *counts["totals"], counts["total"]])
    libraries = [[row["library"], *row["counts"], row["total"]] for row in counts["libraries"]]
    by_month, by_library = _("By month"), _("By library")
    month_columns = _counts(_("Month"), kinds)
    return Document(
        title=title,
        meta=Meta(
            organisation=organisation, date_from=date(year, 1, 1), date_to=date(year, 12, 31)
        ),
        sheet=by_month,
        sections=[
            Table(columns=month_columns, rows=months, total=True, sheet=by_month),
            Table(columns=_counts(_("Library"), kinds), rows=libraries, sheet=by_library),
        ],
    )


def _inquiries_of_year(*, membership, year: int) -> Document:
    counts = reference.inquiry_counts(selectors.inquiry_list(membership), year=year)
    return inquiries_document(counts, year=year, organisation=membership.organisation)


def inquiries_answered(meta: Meta) -> list[Section]:
    """The report's section: inquiries answered in its days (whole days in the zone of its
    library, or of the organisation), per library and type; a library's own only in a
    library's report."""
    inquiries = ReferenceInquiry.objects.filter(organisation=meta.organisation)
    if meta.library is not None:
        inquiries = inquiries.filter(library=meta.library)
    counts = reference.inquiry_period_counts(
        inquiries, date_from=meta.date_from, date_to=meta.date_to, zone=ZoneInfo(meta.zone)
    )
    kinds = [str(kind.label).split(" (")[0] for kind in counts["kinds"]]
    rows = [[row["library"], *row["counts"], row["total"]] for row in counts["libraries"]]
    if rows:
        rows.append([_("Total"), *counts["totals"], counts["total"]])
    period = {"from": f"{meta.date_from:%d.%m.%Y}", "to": f"{meta.date_to:%d.%m.%Y}"}
    return [
        Table(
            heading=_("Reference inquiries answered, %(from)s – %(to)s") % period,
            columns=_counts(_("Library"), kinds),
            rows=rows,
            total=bool(rows),
            empty=_("Nothing in this period."),
        )
    ]


registry.register(
    registry.DocumentType(
        key=INQUIRIES,
        title=gettext_lazy("Reference inquiries answered in virtual mode"),
        build=_inquiries_of_year,
        visible=rules.can_answer_readers,
        formats=(XLSX,),
    )
)
registry.contribute(
    registry.Contribution(document=REPORT, key="inbox.inquiries_answered", build=inquiries_answered)
)
