"""A document as an XLSX workbook (openpyxl).

The title heads every sheet (A1); sections follow one under another, a blank row before
each except a headless one right under the title. Tables have a bold header, real numbers
and dates with Russian number formats (a mark shows in the format, the number stays a
number), links, column widths from their contents, text made formula-safe and a native
chart where the table has one. A sheet holding one table freezes its header and repeats it
on printed pages. Pages print on A4, fitted to the width; the organisation, the day the
document was made and page numbers go in the printed margins, the metadata in the file's
properties.
"""

import io
import math
from datetime import datetime, time

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vitrina.core.exports import cells, charts
from vitrina.core.exports.sections import (
    XLSX,
    Column,
    Document,
    Entries,
    Heading,
    KeyValues,
    Kind,
    Paragraphs,
    Section,
    Signature,
    Table,
)

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
LINK = Font(color="0563C1", underline="single")
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
MAX_WIDTH = 60
DEFAULT_WIDTH = 9  # characters: a column of no set width
LINE_HEIGHT = 15  # points: a line of the default font
CHART_ROWS = 17  # rows a chart of charts.HEIGHT_CM takes, and a blank one
SHEET_NAME = 31  # characters Excel allows in a sheet's name
INVALID_IN_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


class _Sheet:
    """One worksheet being written: its widths, its tables and whether anything is under
    the title yet."""

    def __init__(self, sheet: Worksheet, title: str):
        self.sheet = sheet
        self.widths: dict[int, float] = {}
        self.tables: list[tuple[Table, int]] = []  # each with its header's row
        self.columns = 1
        self.spans: dict[int, int] = {}  # rows whose first cell spans this many columns
        sheet.append([None])
        _safe_text(sheet.cell(1, 1), title)
        sheet.cell(1, 1).font = TITLE
        self.fresh = True

    @property
    def row(self) -> int:
        return self.sheet.max_row

    def start(self, heading: str) -> None:
        """A blank row before a section (not before a headless one right under the
        title), then its heading."""
        if heading or not self.fresh:
            self.sheet.append([])
        self.fresh = False
        if heading:
            self.sheet.append([None])
            _safe_text(self.sheet.cell(self.row, 1), heading)
            self.sheet.cell(self.row, 1).font = BOLD

    def append(self, row: list[tuple[object, Column]]) -> int:
        self.sheet.append([None] * len(row))
        for position, (item, column) in enumerate(row, start=1):
            _write_value(self.sheet.cell(self.row, position), item, column)
        return self.row

    def widen(self, column: int, width: float) -> None:
        self.widths[column] = max(self.widths.get(column, 0), min(width, MAX_WIDTH))
        self.columns = max(self.columns, column)


def _text(text) -> str:
    return "" if text is None else str(text)


def _safe_text(cell, text) -> None:
    """Text stays text: a string cell, with Excel's leading-apostrophe mark where it would
    read a formula (openpyxl itself would store "=…" as one)."""
    text = _text(text)
    cell.value = text
    cell.data_type = "s"
    if cells.is_formula_like(text):
        cell.quotePrefix = True


def _width_of(text: str) -> float:
    return max((len(line) for line in text.split("\n")), default=0) + 2


def _write_value(cell, item, column: Column) -> None:
    value = cells.value_of(item)
    marked = cells.is_marked(item)
    if value is None or value == "":
        cell.value = None
        return
    number = cells.as_number(value) if column.kind in cells.NUMERIC else None
    day = cells.as_date(value) if column.kind in (Kind.DATE, Kind.MONTH) else None
    if number is not None:
        cell.value = number
        cell.number_format = cells.spreadsheet_format(column, marked)
    elif day is not None:
        cell.value = day
        cell.number_format = cells.spreadsheet_format(column, marked)
    else:
        text = str(value) + (cells.MARK if marked else "")
        _safe_text(cell, text)
        if column.wrap or "\n" in text:
            cell.alignment = WRAPPED
    link = cells.link_of(item, column)
    if link:
        cell.hyperlink = link
        cell.font = LINK


def _table(target: _Sheet, table: Table) -> None:
    target.start(table.heading)
    shown = table.shown_columns(XLSX)
    sheet = target.sheet
    sheet.append([None] * len(shown))
    header = target.row
    # Widths from the header's words (it wraps) and the cells' longest line.
    for position, index in enumerate(shown, start=1):
        column = table.columns[index]
        cell = sheet.cell(header, position)
        _safe_text(cell, column.title)
        cell.font, cell.alignment = BOLD, WRAPPED
        target.widen(position, column.width or min(_width_of(column.title), 16))
    for row in table.rows:
        sheet.append([None] * len(shown))
        current = target.row
        for position, index in enumerate(shown, start=1):
            column = table.columns[index]
            item = cells.item_at(row, index)
            cell = sheet.cell(current, position)
            _write_value(cell, item, column)
            if not cell.alignment.wrap_text:
                cell.alignment = TOP  # level with the wrapped text beside it
            if column.width is None:
                target.widen(position, _width_of(cells.display(item, column)) + 1)
    if table.total and table.rows:
        for cell in sheet[target.row]:
            cell.font = LINK if cell.hyperlink else BOLD
    target.tables.append((table, header))
    if table.note:
        row = target.append([(table.note, Column(""))])
        if len(shown) > 1:  # the note spans the table, as under a printed one
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(shown))
        sheet.cell(row, 1).alignment = WRAPPED
        target.spans[row] = len(shown)


def _charts(target: _Sheet, table: Table, header: int, place: int) -> int:
    """The table's native charts right of the sheet's columns, one under another from row
    ``place``; the row after the last."""
    last = header + len(charts.charted_rows(table))
    if last <= header:
        return place
    positions = {index: position for position, index in enumerate(table.shown_columns(XLSX), 1)}
    for chart_of in table.all_charts:
        chart = charts.chart_over(chart_of, target.sheet, positions, header, last)
        target.sheet.add_chart(chart, f"{get_column_letter(target.columns + 2)}{place}")
        place += CHART_ROWS
    return place


def _section(target: _Sheet, section: Section) -> None:
    if isinstance(section, Table):
        _table(target, section)
        return
    text, number = Column(""), Column("", Kind.INTEGER)
    if isinstance(section, Heading):
        target.start(section.text)
    elif isinstance(section, Paragraphs):
        target.start(section.heading)
        for line in section.lines:
            if line.strip():
                target.append([(line, text)])
    elif isinstance(section, KeyValues):
        target.start(section.heading)
        for label, value in section.pairs:
            row = target.append([(label, text), (value, cells.typed_value(value))])
            target.sheet.cell(row, 1).font = BOLD
            target.widen(1, _width_of(label))
    elif isinstance(section, Signature):
        target.start("")
        target.sheet.append([])
        row = target.append([(section.position, text), ("_" * 20, text), (section.name, text)])
        target.widen(1, _width_of(section.position))
        target.widen(3, _width_of(section.name))
        target.sheet.cell(row, 1).alignment = WRAPPED
    elif isinstance(section, Entries):
        target.start(section.heading)
        described = Column("", wrap=True)
        for number_of, item in enumerate(section.items, start=section.start):
            target.append([(number_of, number), (item, described)])
        target.widen(1, 6)
        target.widen(2, 90)


def _lines(text: str, width: float) -> int:
    """The lines a wrapped text takes in a column this many characters wide."""
    room = max(int(width) - 1, 1)
    return sum(max(1, math.ceil(len(part) / room)) for part in text.split("\n"))


def _row_heights(target: _Sheet) -> None:
    """Rows of wrapped text as tall as their lines: spreadsheets do not all fit a row's
    height to its text when they open a file."""
    sheet = target.sheet
    for row in sheet.iter_rows(min_row=2):
        lines = 1
        for cell in row:
            if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                continue
            span = target.spans.get(cell.row, 1) if cell.column == 1 else 1
            width = sum(
                target.widths.get(column, DEFAULT_WIDTH)
                for column in range(cell.column, cell.column + span)
            )
            lines = max(lines, _lines(cell.value, width))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def _finish(target: _Sheet, document: Document) -> None:
    sheet = target.sheet
    for column, width in target.widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    _row_heights(target)
    place = 1
    for table, header in target.tables:
        place = _charts(target, table, header, max(place, header))
    if len(target.tables) == 1:
        table, header = target.tables[0]
        sheet.freeze_panes = sheet.cell(header + 1, 1)
        sheet.print_title_rows = f"{header}:{header}"
        if table.autofilter:
            last = get_column_letter(len(table.shown_columns(XLSX)))
            sheet.auto_filter.ref = f"A{header}:{last}{header + len(table.rows)}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    wide = sum(target.widths.values()) > 110
    sheet.page_setup.orientation = "landscape" if wide else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    meta = document.meta
    if meta.owner:
        sheet.oddHeader.left.text = _margin(meta.owner)
    if document.title:
        sheet.oddFooter.left.text = _margin(document.title)
    made = _("Made on %(date)s") % {"date": f"{meta.made_on:%d.%m.%Y}"}
    sheet.oddFooter.right.text = f"{_margin(made)} · &P / &N"


def _margin(text: str) -> str:
    """Text for a printed margin, where "&" starts a code."""
    return text.replace("&", "&&")[:250]


def _sheet_name(name: str) -> str:
    return (name.translate(INVALID_IN_NAMES).strip() or "Sheet")[:SHEET_NAME]


def write_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    sections = document.sections_for(XLSX)
    first = document.sheet or next((s.sheet for s in sections if s.sheet), "") or document.title
    workbook.active.title = _sheet_name(first)
    target = _Sheet(workbook.active, document.title)
    for section in sections:
        name = _sheet_name(section.sheet) if section.sheet else ""
        if name and name != target.sheet.title:
            _finish(target, document)
            target = _Sheet(workbook.create_sheet(name), document.title)
        _section(target, section)
    _finish(target, document)
    meta = document.meta
    properties = workbook.properties
    properties.title = document.title[:250]
    properties.creator = meta.owner[:250] or "Vitrina"
    properties.created = datetime.combine(meta.made_on, time.min)
    properties.language = "ru-RU"
    if meta.date_from and meta.date_to:
        properties.subject = f"{meta.date_from:%d.%m.%Y} – {meta.date_to:%d.%m.%Y}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
