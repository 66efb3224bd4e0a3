"""Catalogue records from CSV and XLSX lists, the export small libraries can make.

Columns are found by their header, in Russian or English; authors are written as
«Юсупова С. М.; Бабаев С. И.» or «Юсупова, С. М.».
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Iterator

from openpyxl import load_workbook

from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.catalog.marc import Entry, ReadError
from vitrina.core.text_files import decode_text

COLUMNS = {
    "external_id": {"id", "external_id", "инв", "инв. номер", "инвентарный номер", "шифр"},
    "title": {"title", "заглавие", "название"},
    "other_title": {"other title", "subtitle", "сведения к заглавию", "подзаголовок"},
    "authors": {"author", "authors", "автор", "авторы"},
    "editors": {"editor", "editors", "редактор", "под редакцией"},
    "edition": {"edition", "издание"},
    "place": {"place", "место", "место издания", "город"},
    "publisher": {"publisher", "издательство", "издатель"},
    "year": {"year", "год", "год издания"},
    "pages": {"pages", "страницы", "объём", "объем"},
    "series": {"series", "серия"},
    "isbn": {"isbn"},
    "subjects": {"subjects", "subject", "рубрики", "рубрика", "тема", "темы"},
    "url": {"url", "link", "ссылка"},
    "received": {"received", "поступление", "дата поступления"},
}


def people(text: str) -> list[Person]:
    found = []
    for name in re.split(r"\s*;\s*", text.strip()):
        if not name:
            continue
        if "," in name:
            surname, _, rest = name.partition(",")
        else:
            surname, _, rest = name.partition(" ")
        found.append(Person(surname=surname.strip(), initials=rest.strip()))
    return found


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class RowProblem(ValueError):
    """A value the line cannot be imported with; ``code`` names the problem."""

    def __init__(self, code: str, value: str = ""):
        super().__init__(f"{code}: {value}")
        self.code = code
        self.value = value


YEAR = re.compile(r"^\[?(?:c|©|cop\.?\s*)?(1[4-9]\d\d|20\d\d)\]?(?:\s*[-–—]\s*\d{2,4})?\.?$")


def isbn_valid(value: str) -> bool:
    """ISBN-10 or ISBN-13 with a right check digit; hyphens and spaces are ignored."""
    digits = re.sub(r"[\s-]", "", value).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def _checked(record: BibRecord) -> None:
    if record.year and not YEAR.match(record.year):
        raise RowProblem("year", record.year)
    if record.isbn:
        for part in re.split(r"\s*[;,]\s*", record.isbn):
            if part and not isbn_valid(part):
                raise RowProblem("isbn", part)


def row_record(row: dict[str, object]) -> BibRecord:
    def text(key: str) -> str:
        value = row.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip() if value is not None else ""

    title = text("title")
    if not title:
        raise RowProblem("row")
    record = BibRecord(
        title=title,
        other_title=[text("other_title")] if text("other_title") else [],
        authors=people(text("authors")),
        editors=people(text("editors")),
        edition=text("edition"),
        places=[text("place")] if text("place") else [],
        publishers=[text("publisher")] if text("publisher") else [],
        year=text("year"),
        pages=text("pages"),
        series=text("series"),
        isbn=text("isbn"),
        subjects=[part.strip() for part in re.split(r"[;,]", text("subjects")) if part.strip()],
        url=text("url"),
    )
    _checked(record)
    external = text("external_id")
    if not external:
        key = "|".join([title, text("authors"), record.year, record.isbn]).lower()
        external = "row:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]  # noqa: S324
    record.control_number = external
    received = _date(row.get("received"))
    if received:
        record.source_ids["entered"] = received.strftime("%Y%m%d")
    return record


def header_name(value) -> str:
    return " ".join(str(value or "").split()).lower()


def _accepted(extra: dict[str, list[str]] | None) -> dict[str, set[str]]:
    """The usual names of each column plus the organisation's own."""
    accepted = {key: set(names) for key, names in COLUMNS.items()}
    for key, names in (extra or {}).items():
        if key in accepted:
            accepted[key] |= {header_name(name) for name in names if header_name(name)}
    return accepted


def _entries(rows: Iterator[list], extra: dict | None = None) -> Iterator[Entry]:
    header = next(rows, None)
    if header is None:
        yield Entry(1, 0, error=ReadError("empty", "the file is empty"))
        return
    names = [header_name(name) for name in header]
    columns = {}
    accepted_names = _accepted(extra)
    for index, name in enumerate(names):
        for key, accepted in accepted_names.items():
            if name in accepted and key not in columns:
                columns[key] = index
    if "title" not in columns:
        yield Entry(1, 0, error=ReadError("header", "the header has no title column"))
        return
    for number, values in enumerate(rows, start=2):
        values = list(values)
        if not any(value not in (None, "") for value in values):
            continue
        row = {
            key: values[index] if index < len(values) else None for key, index in columns.items()
        }
        entry = Entry(number=number, offset=0, flavour="table")
        try:
            entry.record = row_record(row)
        except RowProblem as problem:
            entry.error = ReadError(problem.code, problem.value)
        yield entry


def read_csv(
    data: bytes, *, encoding: str | None = None, columns: dict | None = None
) -> Iterator[Entry]:
    text = decode_text(data, encoding=encoding)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    yield from _entries(iter(csv.reader(io.StringIO(text), dialect)), columns)


def read_xlsx(data: bytes, *, columns: dict | None = None) -> Iterator[Entry]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        yield from _entries(workbook.active.iter_rows(values_only=True), columns)
    finally:
        workbook.close()
