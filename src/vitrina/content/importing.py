"""Reading a content plan's table: the rows of an XLSX or CSV file and the values of its cells.

Columns (Russian or English headers, any order): date, time, channels, rubric, text,
images. ``services.importing`` turns the rows into posts.
"""

import csv
import io
import os
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from vitrina.core.exceptions import ServiceError
from vitrina.core.text_files import decode_text

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
# How a column is named to the person, in their language.
COLUMN_NAMES = {
    "date": gettext_lazy("date"),
    "time": gettext_lazy("time"),
    "channels": gettext_lazy("channels"),
    "rubric": gettext_lazy("rubric"),
    "text": gettext_lazy("text"),
    "images": gettext_lazy("images"),
}


def read_rows(data: bytes, filename: str) -> list[list]:
    """The table's rows as lists of cell values; refuses what is neither XLSX nor CSV."""
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError(_("The file is larger than 5 MB."), field="file")
    extension = os.path.splitext(filename.lower())[1]
    if extension == ".xlsx":
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
        text = decode_text(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        except csv.Error:
            dialect = csv.excel
        return list(csv.reader(io.StringIO(text), dialect))
    raise ServiceError(_("Upload an XLSX or CSV file."), field="file")


def columns_of(header: list) -> dict[str, int]:
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
            % {"columns": ", ".join(str(COLUMN_NAMES[key]) for key in missing)},
            field="file",
        )
    return columns


def cell(row: list, columns: dict[str, int], key: str):
    index = columns.get(key)
    if index is None or index >= len(row):
        return None
    value = row[index]
    return value.strip() if isinstance(value, str) else value


def date_of(value) -> date:
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


def time_of(value) -> time:
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


def split(value) -> list[str]:
    text = str(value or "")
    for separator in (";", "\n"):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]
