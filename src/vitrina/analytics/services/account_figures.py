"""Figures entered by hand or imported from a CSV/XLSX table, for networks that give none
(Telegram's subscribers history, Instagram and other record-only accounts).

Columns (Russian or English headers, any order): date and any of subscribers, joined, left,
visitors, views, reach. Broken rows are reported with their numbers; the rest is imported.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.analytics.models import Source
from vitrina.analytics.services.registry import channel_registry_refresh
from vitrina.analytics.services.snapshots import (
    ACCOUNT_FIELDS,
    AccountFigures,
    account_snapshots_save,
)
from vitrina.channels.models import Channel
from vitrina.content.importing import read_rows
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import User

MAX_ROWS = 5000
HEADERS = {
    "day": {"date", "day", "дата", "день"},
    "followers": {"subscribers", "followers", "подписчики", "друзья / подписчики", "друзья"},
    "joined": {"joined", "subscribed", "пришли", "добавлено", "новые подписчики"},
    "left": {"left", "unsubscribed", "ушли", "отписались"},
    "visitors": {"visitors", "visits", "посетители", "посещения"},
    "views": {"views", "просмотры"},
    "reach": {"reach", "охват"},
}


@dataclass
class FiguresImport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def header_columns(header: list, headers: dict[str, set[str]]) -> dict[str, int]:
    """Which column holds which field, by the header's titles (any case, any spacing);
    the first column of a title wins."""
    columns = {}
    for index, title in enumerate(header):
        name = " ".join(str(title or "").split()).lower()
        for key, names in headers.items():
            if name in names and key not in columns:
                columns[key] = index
    return columns


def local_today(zone: str) -> date:
    """Today on the wall clock of a channel's (or organisation's) time zone."""
    return timezone.now().astimezone(ZoneInfo(zone)).date()


def _columns(header: list) -> dict[str, int]:
    columns = header_columns(header, HEADERS)
    if "day" not in columns or len(columns) < 2:
        raise ServiceError(
            _("The first row must name the columns: a date and at least one figure."),
            field="file",
        )
    return columns


def parse_day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(str(value or "").strip(), pattern).date()
        except ValueError:
            continue
    raise ServiceError(
        _("The date “%(value)s” is not a date such as 24.11.2026.") % {"value": value}
    )


def check_past(day: date, zone: str) -> date:
    """Figures describe days that have passed (or today) on the channel's wall clock."""
    if day > local_today(zone):
        raise ServiceError(
            _("The day %(day)s has not come yet: enter figures of past days.")
            % {"day": day.strftime("%d.%m.%Y")},
            field="day",
        )
    return day


def parse_count(value, label: str) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = -1
    if number < 0 or number != int(number):
        raise ServiceError(
            _("“%(value)s” in the column “%(column)s” is not a whole number.")
            % {"value": value, "column": label}
        )
    return int(number)


def figures_import(
    *, channel: Channel, actor: User | None, data: bytes, filename: str
) -> FiguresImport:
    rows = read_rows(data, filename)
    if not rows:
        raise ServiceError(_("The file is empty."), field="file")
    columns = _columns(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise ServiceError(
            _("No more than %(count)s rows at a time.") % {"count": MAX_ROWS}, field="file"
        )
    result = FiguresImport()
    figures = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        try:
            cells = {
                key: row[index] if index < len(row) else None for key, index in columns.items()
            }
            day = check_past(parse_day(cells.pop("day")), channel.timezone)
            values = {
                key: parse_count(value, str(rows[0][columns[key]])) for key, value in cells.items()
            }
            figures[day] = AccountFigures(day=day, **values)
        except ServiceError as error:
            result.errors.append((number, error.message))
    with transaction.atomic():
        result.imported = _save(channel, list(figures.values()), Source.IMPORT, actor)
        audit_record(
            organisation=channel.organisation,
            actor=actor,
            action="analytics.figures_imported",
            obj=channel,
            changes={"rows": result.imported, "file": filename},
        )
    return result


def figures_enter(*, channel: Channel, actor: User | None, figures: AccountFigures) -> None:
    """One day's figures typed in by a person."""
    if all(getattr(figures, name) is None for name in ACCOUNT_FIELDS):
        raise ServiceError(_("Enter at least one figure."))
    check_past(figures.day, channel.timezone)
    with transaction.atomic():
        _save(channel, [figures], Source.MANUAL, actor)
        audit_record(
            organisation=channel.organisation,
            actor=actor,
            action="analytics.figures_entered",
            obj=channel,
            changes={"day": figures.day},
        )


def _save(channel: Channel, figures: list[AccountFigures], source: str, actor: User | None) -> int:
    count = account_snapshots_save(channel=channel, figures=figures, source=source)
    channel_registry_refresh(channel=channel, actor=actor)
    return count
