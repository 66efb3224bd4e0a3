"""Memorable dates: anniversaries of people, events and books, and the days a year keeps.

Pure Python so the calendar can be computed anywhere. Dates may be known to the day, the
month or only the year; a date known to the year has year-level anniversaries only, never a
day. A person born on 29 February is remembered on 28 February in common years. Days kept
every year have a fixed date (7 April) or a rule (the third Sunday of June).

Dates are Gregorian. Imports convert Julian dates when the source says which calendar it
uses (Wikidata does); spreadsheets are expected to give new-style dates, as Russian
calendars do.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from vitrina.core.text_files import decode_text

PERSON = "person"
EVENT = "event"
BOOK = "book"
DAY = "day"
KINDS = (PERSON, EVENT, BOOK, DAY)
DAY_PRECISION = "day"
MONTH_PRECISION = "month"
YEAR_PRECISION = "year"
STARTER_SET = Path(__file__).parent / "data" / "memorable_dates.json"
# An anniversary is round every five years; these stand out in a calendar.
ROUND_EVERY = 5
HIGHLIGHT_EVERY = 25


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, to the month or only to the year."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day without a month")
        if self.day is not None:
            datetime.date(self.year, self.month, self.day)  # raises on 31 April
        elif self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")

    @property
    def precision(self) -> str:
        if self.day is not None:
            return DAY_PRECISION
        return MONTH_PRECISION if self.month is not None else YEAR_PRECISION

    def in_year(self, year: int) -> datetime.date | None:
        """The day this date recurs on in ``year``; 29 February falls on the 28th."""
        if self.day is None:
            return None
        day = self.day
        if self.month == 2 and day == 29 and not calendar.isleap(year):
            day = 28
        return datetime.date(year, self.month, day)

    def isoformat(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """``1890-12-07``, ``07.12.1890``, ``1890-12``, ``12.1890`` or ``1890``."""
        text = text.strip()
        patterns = (
            (r"(-?\d{1,4})-(\d{1,2})-(\d{1,2})", (1, 2, 3)),
            (r"(\d{1,2})\.(\d{1,2})\.(\d{1,4})", (3, 2, 1)),
            (r"(-?\d{1,4})-(\d{1,2})", (1, 2, None)),
            (r"(\d{1,2})\.(\d{3,4})", (2, 1, None)),
            (r"(-?\d{1,4})", (1, None, None)),
        )
        for pattern, (year, month, day) in patterns:
            match = re.fullmatch(pattern, text)
            if match:
                return cls(
                    int(match.group(year)),
                    int(match.group(month)) if month else None,
                    int(match.group(day)) if day else None,
                )
        raise ValueError(f"not a date: {text!r}")

    @classmethod
    def from_date(cls, value: datetime.date) -> PartialDate:
        return cls(value.year, value.month, value.day)


@dataclass(frozen=True)
class DayRule:
    """A day kept every year: fixed (month and day) or the nth weekday of a month."""

    month: int
    day: int | None = None
    weekday: int | None = None  # Monday is 0
    nth: int | None = None  # 1..4, or -1 for the last

    def in_year(self, year: int) -> datetime.date:
        if self.day is not None:
            return PartialDate(2000, self.month, self.day).in_year(year)
        weeks = calendar.Calendar().monthdatescalendar(year, self.month)
        matching = [day for week in weeks for day in week if day.month == self.month]
        matching = [day for day in matching if day.weekday() == self.weekday]
        return matching[self.nth - 1] if self.nth > 0 else matching[self.nth]


@dataclass
class MemorableDate:
    kind: str
    title: str
    description: str = ""
    # Birth for a person, the day of an event, the publication of a book.
    date: PartialDate | None = None
    # Death for a person.
    end: PartialDate | None = None
    # For a kept day: when it recurs and, if known, the year it was first kept.
    rule: DayRule | None = None
    since: int | None = None
    tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if not self.title.strip():
            raise ValueError("a memorable date needs a title")
        if self.kind == DAY and self.rule is None:
            raise ValueError("a kept day needs its date or rule")
        if self.kind != DAY and self.date is None:
            raise ValueError("a memorable date needs its date")


BIRTH = "birth"
DEATH = "death"
ANNIVERSARY = "anniversary"
KEPT_DAY = "day"


@dataclass(frozen=True)
class Occurrence:
    """One entry in a calendar: what recurs, on which day (if known), and how many years."""

    entry: MemorableDate
    what: str
    year: int
    date: datetime.date | None
    years: int | None

    @property
    def highlighted(self) -> bool:
        return bool(self.years) and self.years % HIGHLIGHT_EVERY == 0

    @property
    def sort_key(self) -> tuple:
        return (self.date or datetime.date(self.year, 1, 1), self.date is not None, self.title)

    @property
    def title(self) -> str:
        return self.entry.title


def _anniversaries(
    entry: MemorableDate, origin: PartialDate, what: str, start: datetime.date, end: datetime.date
) -> Iterable[Occurrence]:
    for year in range(start.year, end.year + 1):
        years = year - origin.year
        if years <= 0 or years % ROUND_EVERY:
            continue
        day = origin.in_year(year)
        if day is None:
            # Known to the year (or month) only: the anniversary belongs to the whole year.
            yield Occurrence(entry, what, year, None, years)
        elif start <= day <= end:
            yield Occurrence(entry, what, year, day, years)


def occurrences(
    entries: Iterable[MemorableDate], start: datetime.date, end: datetime.date
) -> list[Occurrence]:
    """Everything to remember between ``start`` and ``end`` inclusive, in calendar order."""
    found: list[Occurrence] = []
    for entry in entries:
        if entry.kind == DAY:
            for year in range(start.year, end.year + 1):
                day = entry.rule.in_year(year)
                if start <= day <= end and (entry.since is None or year >= entry.since):
                    # A kept day's own anniversary is worth a line only when it is round.
                    years = year - entry.since if entry.since else 0
                    round_years = years if years > 0 and years % ROUND_EVERY == 0 else None
                    found.append(Occurrence(entry, KEPT_DAY, year, day, round_years))
            continue
        what = BIRTH if entry.kind == PERSON else ANNIVERSARY
        found.extend(_anniversaries(entry, entry.date, what, start, end))
        if entry.end is not None:
            found.extend(_anniversaries(entry, entry.end, DEATH, start, end))
    return sorted(found, key=lambda occurrence: occurrence.sort_key)


def upcoming(
    entries: Iterable[MemorableDate], *, today: datetime.date, days: int = 90
) -> list[Occurrence]:
    """Anniversaries and kept days from ``today`` to ``days`` days ahead."""
    return occurrences(entries, today, today + datetime.timedelta(days=days))


# Reading and writing the JSON starter set.


def to_dict(entry: MemorableDate) -> dict:
    data: dict = {"kind": entry.kind, "title": entry.title}
    if entry.date:
        data["date"] = entry.date.isoformat()
    if entry.end:
        data["end"] = entry.end.isoformat()
    if entry.rule:
        rule = {"month": entry.rule.month}
        if entry.rule.day is not None:
            rule["day"] = entry.rule.day
        else:
            rule["weekday"], rule["nth"] = entry.rule.weekday, entry.rule.nth
        data["rule"] = rule
    if entry.since:
        data["since"] = entry.since
    data["description"] = entry.description
    if entry.tags:
        data["tags"] = entry.tags
    return data


def from_dict(data: dict) -> MemorableDate:
    rule = data.get("rule")
    return MemorableDate(
        kind=data["kind"],
        title=data["title"],
        description=data.get("description", ""),
        date=PartialDate.parse(str(data["date"])) if data.get("date") else None,
        end=PartialDate.parse(str(data["end"])) if data.get("end") else None,
        rule=DayRule(**rule) if rule else None,
        since=data.get("since"),
        tags=list(data.get("tags", [])),
    )


def load_starter_set(path: Path = STARTER_SET) -> list[MemorableDate]:
    with open(path, encoding="utf-8") as stream:
        return [from_dict(item) for item in json.load(stream)["dates"]]


# Imports: spreadsheets and Wikidata.


@dataclass
class ImportResult:
    entries: list[MemorableDate] = field(default_factory=list)
    # (row or item, reason) for every line that could not be read.
    errors: list[tuple[str, str]] = field(default_factory=list)


COLUMN_NAMES = {
    "kind": {"kind", "type", "тип", "вид"},
    "title": {"title", "name", "название", "имя", "наименование"},
    "date": {"date", "born", "birth", "дата", "дата рождения", "год"},
    "end": {"end", "died", "death", "дата смерти"},
    "description": {"description", "описание", "примечание"},
    "since": {"since", "с года", "учреждён"},
    "tags": {"tags", "теги", "темы"},
}
KIND_NAMES = {
    "person": PERSON,
    "персона": PERSON,
    "человек": PERSON,
    "event": EVENT,
    "событие": EVENT,
    "book": BOOK,
    "книга": BOOK,
    "day": DAY,
    "день": DAY,
    "праздник": DAY,
}


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for index, name in enumerate(header):
        name = (name or "").strip().lower()
        for key, names in COLUMN_NAMES.items():
            if name in names and key not in found:
                found[key] = index
    return found


def _date_value(value) -> PartialDate | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return PartialDate.from_date(value)
    if isinstance(value, int | float):
        return PartialDate(int(value))
    return PartialDate.parse(str(value))


def parse_day_rule(value) -> DayRule:
    if isinstance(value, datetime.datetime | datetime.date):
        return DayRule(month=value.month, day=value.day)
    text = str(value).strip()
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})", text) or re.fullmatch(
        r"(?:--)?(\d{1,2})-(\d{1,2})", text
    )
    if match and "." in text:
        return DayRule(month=int(match.group(2)), day=int(match.group(1)))
    if match:
        return DayRule(month=int(match.group(1)), day=int(match.group(2)))
    date = PartialDate.parse(text)
    if date.day is None:
        raise ValueError(f"a kept day needs a month and a day: {text!r}")
    return DayRule(month=date.month, day=date.day)


def _entry_from_row(row: list, columns: dict[str, int]) -> MemorableDate:
    def cell(key):
        index = columns.get(key)
        value = row[index] if index is not None and index < len(row) else None
        return value.strip() if isinstance(value, str) else value

    kind = KIND_NAMES.get(str(cell("kind") or "person").strip().lower())
    if kind is None:
        raise ValueError(f"unknown kind {cell('kind')!r}")
    since = cell("since")
    tags = cell("tags")
    if kind == DAY:
        date_cell = cell("date")
        if date_cell in (None, ""):
            raise ValueError("no date")
        return MemorableDate(
            kind=kind,
            title=str(cell("title") or ""),
            description=str(cell("description") or ""),
            rule=parse_day_rule(date_cell),
            since=int(since) if since not in (None, "") else None,
            tags=[tag.strip() for tag in str(tags).split(",") if tag.strip()] if tags else [],
        )
    return MemorableDate(
        kind=kind,
        title=str(cell("title") or ""),
        description=str(cell("description") or ""),
        date=_date_value(cell("date")),
        end=_date_value(cell("end")),
        tags=[tag.strip() for tag in str(tags).split(",") if tag.strip()] if tags else [],
    )


def _import_rows(rows: Iterable[list]) -> ImportResult:
    result = ImportResult()
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        result.errors.append(("1", "the file is empty"))
        return result
    columns = _columns([str(name) if name is not None else "" for name in header])
    if "title" not in columns or "date" not in columns:
        result.errors.append(("1", "the header needs at least a title and a date column"))
        return result
    for number, row in enumerate(rows, start=2):
        if not any(value not in (None, "") for value in row):
            continue
        try:
            result.entries.append(_entry_from_row(list(row), columns))
        except (ValueError, TypeError) as exc:
            result.errors.append((str(number), str(exc)))
    return result


def import_csv(data: bytes, *, encoding: str | None = None) -> ImportResult:
    text = decode_text(data, encoding=encoding)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return _import_rows(csv.reader(io.StringIO(text), dialect))


def import_xlsx(data: bytes) -> ImportResult:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return _import_rows(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()


WIKIDATA_GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
WIKIDATA_JULIAN = "http://www.wikidata.org/entity/Q1985786"


def julian_to_gregorian(year: int, month: int, day: int) -> datetime.date:
    """Convert a Julian calendar date through the Julian day number."""
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    jdn = day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    return datetime.date.fromordinal(jdn - 1721425)


def wikidata_time(value: dict) -> PartialDate:
    """``{"time": "+1890-12-07T00:00:00Z", "precision": 11, ...}`` -> a PartialDate."""
    match = re.fullmatch(r"([+-]\d+)-(\d\d)-(\d\d)T.*", value["time"])
    if not match:
        raise ValueError(f"not a Wikidata time: {value['time']!r}")
    year, month, day = (int(group) for group in match.groups())
    precision = int(value.get("precision", 11))
    if precision >= 11:
        if value.get("calendarmodel") == WIKIDATA_JULIAN:
            return PartialDate.from_date(julian_to_gregorian(year, month, day))
        return PartialDate(year, month, day)
    if precision == 10:
        return PartialDate(year, month)
    if precision == 9:
        return PartialDate(year)
    raise ValueError(f"the date is known only to precision {precision}")


def _claim_time(entity: dict, prop: str) -> PartialDate | None:
    for claim in entity.get("claims", {}).get(prop, []):
        if claim.get("rank") == "deprecated":
            continue
        snak = claim.get("mainsnak", {})
        if snak.get("snaktype", "value") == "value" and "datavalue" in snak:
            return wikidata_time(snak["datavalue"]["value"])
    return None


def _text(entity: dict, key: str, languages=("ru", "en")) -> str:
    values = entity.get(key, {})
    for language in languages:
        if language in values:
            return values[language]["value"]
    return ""


def import_wikidata(data: bytes | str) -> ImportResult:
    """Read people from Wikidata entity JSON (``Special:EntityData`` or a list of entities).

    Birth is P569 and death P570; a date of precision 9 is kept to the year, 11 to the day,
    and Julian-calendar dates are converted to Gregorian.
    """
    result = ImportResult()
    payload = json.loads(data)
    if isinstance(payload, dict) and "entities" in payload:
        entities = list(payload["entities"].values())
    elif isinstance(payload, list):
        entities = payload
    else:
        entities = [payload]
    for entity in entities:
        identifier = entity.get("id", "?")
        try:
            title = _text(entity, "labels")
            born = _claim_time(entity, "P569")
            if born is None:
                raise ValueError("no date of birth (P569)")
            result.entries.append(
                MemorableDate(
                    kind=PERSON,
                    title=title,
                    description=_text(entity, "descriptions"),
                    date=born,
                    end=_claim_time(entity, "P570"),
                    tags=[f"wikidata:{identifier}"],
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            result.errors.append((identifier, str(exc)))
    return result
