"""Import of a content plan from XLSX or CSV: each row becomes a post or a reported error.

Columns (Russian or English headers, any order): date, time, channels, rubric, text,
images. A row is imported whole or not at all; the other rows go on regardless.
"""

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from vitrina.content import selectors, services
from vitrina.content.models import Post
from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership

MAX_ROWS = 1000
MAX_FILE_BYTES = 5 * 1024 * 1024
HEADERS = {
    "date": {"date", "дата"},
    "time": {"time", "время"},
    "channels": {"channels", "channel", "каналы", "канал"},
    "rubric": {"rubric", "рубрика"},
    "text": {"text", "текст"},
    "images": {"images", "image", "картинки", "картинка", "изображения", "фото"},
}
REQUIRED = ("date", "channels", "text")


@dataclass
class ImportReport:
    imported: list[tuple[int, Post]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_rows(data: bytes, filename: str) -> list[list]:
    """The table's rows as lists of cell values; refuses what is neither XLSX nor CSV."""
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError(_("The file is larger than 5 MB."), field="file")
    extension = os.path.splitext(filename.lower())[1]
    if extension == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ServiceError(
                _("The file could not be read as an XLSX workbook."), field="file"
            ) from error
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if extension == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1251", errors="replace")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        except csv.Error:
            dialect = csv.excel
        return list(csv.reader(io.StringIO(text), dialect))
    raise ServiceError(_("Upload an XLSX or CSV file."), field="file")


def _columns(header: list) -> dict[str, int]:
    columns = {}
    for index, title in enumerate(header):
        name = str(title or "").strip().lower()
        for key, names in HEADERS.items():
            if name in names and key not in columns:
                columns[key] = index
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise ServiceError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)},
            field="file",
        )
    return columns


def _cell(row: list, columns: dict[str, int], key: str):
    index = columns.get(key)
    if index is None or index >= len(row):
        return None
    value = row[index]
    return value.strip() if isinstance(value, str) else value


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(str(value or "").strip(), pattern).date()
        except ValueError:
            continue
    raise ServiceError(
        _("The date “%(value)s” is not a date such as 24.11.2026.") % {"value": value}
    )


def _time(value) -> time:
    if value in (None, ""):
        return time(10, 0)
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    for pattern in ("%H:%M", "%H.%M", "%H:%M:%S"):
        try:
            return datetime.strptime(str(value).strip(), pattern).time()
        except ValueError:
            continue
    raise ServiceError(_("The time “%(value)s” is not a time such as 10:00.") % {"value": value})


def _split(value) -> list[str]:
    text = str(value or "")
    for separator in (";", "\n"):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def plan_import(
    *,
    membership: Membership,
    rows: list[list],
    images: dict[str, bytes],
    schedule: bool = False,
) -> ImportReport:
    if not rules.can_write_posts(membership):
        raise ServiceError(_("Your role may not write posts."), code="forbidden")
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise ServiceError(_("The file is empty."), field="file")
    columns = _columns(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise ServiceError(_("At most %(count)s rows at once.") % {"count": MAX_ROWS}, field="file")
    organisation = membership.organisation
    channels = list(selectors.postable_channels(membership=membership))
    by_key = {}
    for channel in channels:
        for key in (channel.name, channel.url, str(channel.pk)):
            if key:
                by_key.setdefault(key.casefold().rstrip("/"), channel)
    rubrics = {r.name.casefold(): r for r in selectors.rubric_list(membership=membership)}
    files = {os.path.basename(name).casefold(): data for name, data in images.items()}
    report = ImportReport()
    for number, row in enumerate(rows[1:], start=2):
        try:
            with transaction.atomic():
                post = _import_row(
                    row=row,
                    columns=columns,
                    membership=membership,
                    by_key=by_key,
                    rubrics=rubrics,
                    files=files,
                    schedule=schedule,
                )
        except ServiceError as error:
            report.errors.append((number, error.message))
        else:
            report.imported.append((number, post))
    audit_record(
        action="plan.imported",
        organisation=organisation,
        actor=membership.user,
        changes={"imported": [None, len(report.imported)], "errors": [None, len(report.errors)]},
    )
    return report


def _import_row(*, row, columns, membership, by_key, rubrics, files, schedule) -> Post:
    text = str(_cell(row, columns, "text") or "")
    if not text.strip():
        raise ServiceError(_("The text is empty."))
    day = _date(_cell(row, columns, "date"))
    at = _time(_cell(row, columns, "time"))
    names = _split(_cell(row, columns, "channels"))
    if not names:
        raise ServiceError(_("Name at least one channel."))
    chosen = []
    for name in names:
        channel = by_key.get(name.casefold().rstrip("/"))
        if channel is None:
            raise ServiceError(_("No channel “%(name)s”.") % {"name": name})
        chosen.append(channel)
    rubric = None
    rubric_name = str(_cell(row, columns, "rubric") or "")
    if rubric_name:
        rubric = rubrics.get(rubric_name.casefold())
        if rubric is None:
            raise ServiceError(_("No rubric “%(name)s”.") % {"name": rubric_name})
    libraries = {channel.library_id: channel.library for channel in chosen}
    library = next(iter(libraries.values())) if len(libraries) == 1 else None
    zone = library.timezone if library else membership.organisation.timezone
    media = []
    for name in _split(_cell(row, columns, "images")):
        data = files.get(os.path.basename(name).casefold())
        if data is None:
            raise ServiceError(_("The picture %(name)s was not uploaded.") % {"name": name})
        media.append(
            services.media_upload(
                organisation=membership.organisation, actor=membership.user, data=data, name=name
            )
        )
    post = services.post_create(
        organisation=membership.organisation,
        actor=membership.user,
        channels=chosen,
        media=media,
        source=Post.Source.IMPORT,
        library=library,
        rubric=rubric,
        text=text,
        scheduled_at=datetime.combine(day, at, tzinfo=ZoneInfo(zone)),
    )
    if schedule:
        services.post_submit(post=post, actor=membership.user, membership=membership)
    return post
