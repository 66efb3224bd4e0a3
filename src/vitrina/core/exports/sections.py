"""What a document is made of, independent of any format.

A ``Document`` has a title, ``Meta`` (whose it is, the period, the day it was made) and
sections: a ``Heading``, ``Paragraphs``, a ``KeyValues`` block, a numbered list of
``Entries`` (a list of literature) and a ``Table`` whose ``Column``s are typed, optionally
with a ``Chart`` over some of its columns. A cell is a plain value or a ``Cell`` carrying a
mark (a figure entered by hand, say) or a link.

Every section may be meant for some formats only (``only``: a printed list for Word, a
data table for Excel and CSV) and may start a new sheet of a workbook (``sheet``); a
column may be meant for some formats only too (a source column in the CSV).
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils import timezone

from vitrina.core.models import Library, Organisation

XLSX, DOCX, CSV, HTML = "xlsx", "docx", "csv", "html"


class Kind(StrEnum):
    """What a column holds; each writer shows it in Russian formats."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"  # a fraction: 0.125 is 12,5 %
    DATE = "date"
    MONTH = "month"  # a date standing for its month: январь 2026
    LINK = "link"  # a ``Cell`` with a link, or an address that links to itself


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT
    places: int = 1  # decimals shown for a decimal or percent
    grouped: bool = True  # digits grouped by three in a spreadsheet (not for years)
    width: float | None = None  # in characters; from the contents when not given
    wrap: bool = False  # long text wraps in its cell
    only: frozenset[str] | None = None  # the formats that show this column (None: all)

    def shown_in(self, fmt: str) -> bool:
        return self.only is None or fmt in self.only


@dataclass(frozen=True)
class Cell:
    """A value with what the formats show beside it: a mark or a link."""

    value: object
    marked: bool = False  # shown with an asterisk; the table's note says what it means
    link: str = ""

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


BAR, LINE = "bar", "line"


@dataclass(frozen=True)
class Chart:
    """A chart over a table: categories from one column, a series for each value column
    (indexes into the table's columns), as bars or a line. Spreadsheets and Word
    documents draw it natively, from the table's figures."""

    title: str
    values: tuple[int, ...]
    categories: int = 0
    y_title: str = ""
    kind: str = BAR


@dataclass(kw_only=True)
class Section:
    only: frozenset[str] | None = None  # the formats that show this section (None: all)
    sheet: str = ""  # starts a new sheet of that name in a workbook

    def shown_in(self, fmt: str) -> bool:
        return self.only is None or fmt in self.only


@dataclass
class Heading(Section):
    text: str
    level: int = 2


@dataclass
class Paragraphs(Section):
    lines: list[str]
    heading: str = ""


@dataclass
class KeyValues(Section):
    """Pairs of a label and a value (text, number or date)."""

    pairs: list[tuple[str, object]]
    heading: str = ""


@dataclass
class Entries(Section):
    """A numbered list (descriptions of books), numbered on from ``start``."""

    items: list[str]
    heading: str = ""
    start: int = 1


@dataclass
class Signature(Section):
    """Who signs the document: a position and a name, with a line for the signature in
    a printed document."""

    position: str
    name: str


@dataclass
class Table(Section):
    columns: list[Column]
    rows: list[list]
    heading: str = ""
    note: str = ""  # the footnote under the table, for people's formats (not the CSV)
    mark_hint: str = ""  # what a mark means, where a page can show it on the mark
    empty: str = ""  # what a page says instead of no rows
    total: bool = False  # the last row adds the others up
    chart: Chart | None = None
    charts: tuple[Chart, ...] = ()  # more charts over the same table
    autofilter: bool = False  # a spreadsheet's filter buttons on the header

    def shown_columns(self, fmt: str) -> list[int]:
        return [index for index, column in enumerate(self.columns) if column.shown_in(fmt)]

    @property
    def all_charts(self) -> tuple[Chart, ...]:
        return ((self.chart,) if self.chart else ()) + self.charts


@dataclass(frozen=True)
class Meta:
    """Whose document it is, which days it covers and when it was made. Writers put it in
    the file's properties, a Word document's subtitle and the printed page's margins;
    contributors read the organisation, library and days to find their figures.

    ``owner`` is whose it is by name: the organisation's (and library's) unless given."""

    organisation: Organisation | None = None
    library: Library | None = None
    date_from: date | None = None
    date_to: date | None = None
    made_on: date = field(default_factory=timezone.localdate)
    owner: str = ""

    def __post_init__(self):
        if not self.owner:
            names = [item.name for item in (self.organisation, self.library) if item is not None]
            # A library of one name with its organisation is named once.
            object.__setattr__(self, "owner", ", ".join(dict.fromkeys(names)))

    @property
    def zone(self) -> str:
        """The time zone the document's days are counted in."""
        if self.library is not None:
            return self.library.timezone
        return self.organisation.timezone if self.organisation is not None else "UTC"


@dataclass
class Document:
    title: str
    meta: Meta
    sections: list[Section]
    sheet: str = ""  # the first sheet's name in a workbook (the title when not given)

    def sections_for(self, fmt: str) -> list[Section]:
        return [section for section in self.sections if section.shown_in(fmt)]
