"""The rules every writer follows for a cell: how a value of each kind looks in Russian,
which number format a spreadsheet gives it and how text is kept from becoming a formula.

Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, also after
leading spaces, is what a spreadsheet takes for a formula (OWASP, «CSV Injection»).
``is_formula_like`` is the one test every writer applies to every text cell: a CSV cell of
such text gets a leading apostrophe, as OWASP recommends (``formula_safe``); an XLSX cell is
written as a string with Excel's own leading-apostrophe mark (``quotePrefix``, what Excel
stores when a person types ``'=…``), so that it shows the text as it is and never becomes
a formula, even when edited. Numbers and dates are never text: they stay numbers.

People read numbers in Russian: digits grouped by three with a no-break space (1 014),
a decimal comma (0,2) and months by name (январь 2026). A CSV keeps numbers ungrouped, so
that Russian Excel reads them as numbers.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone, translation

from vitrina.core.exports.sections import Cell, Column, Kind

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MARK = "*"
DATE_FORMAT = "DD.MM.YYYY"
# A month by name in Russian whatever the spreadsheet's own language (locale 0x419).
MONTH_FORMAT = "[$-419]MMMM YYYY"
GROUP = "\u00a0"  # a no-break space between groups of digits: 27 007 never splits
NUMERIC = (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENT)


def item_at(row: list, index: int):
    """A row's cell; a short row has nothing in the columns it lacks."""
    return row[index] if index < len(row) else None


def value_of(item) -> object:
    return item.value if isinstance(item, Cell) else item


def is_marked(item) -> bool:
    return isinstance(item, Cell) and item.marked


def link_of(item, column: Column) -> str:
    """The address a cell links to: its own, or in a link column a bare address itself."""
    if isinstance(item, Cell):
        return item.link
    if (
        column.kind == Kind.LINK
        and isinstance(item, str)
        and item.startswith(("http://", "https://"))
    ):
        return item
    return ""


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read the text as a formula: it starts with one of the
    formula characters, itself or after leading spaces (" =1+2" is a formula too)."""
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def formula_safe(text: str) -> str:
    """Text a spreadsheet opening a CSV shows as text: a leading apostrophe where it would
    otherwise read a formula."""
    return f"'{text}" if is_formula_like(text) else text


def as_number(value) -> int | float | None:
    """A number of a numeric column as a spreadsheet stores it; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return value if isinstance(value, int) else float(value)


def as_date(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, date) else None


def _decimal(number: float, places: int, grouped: bool = False) -> str:
    text = f"{number:,.{places}f}" if grouped else f"{number:.{places}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # "-0.0" is 0
    return text.replace(",", GROUP).replace(".", ",")


def month_name(value: date) -> str:
    """«январь 2026»: the month's own name (nominative), lower-case in Russian as inside a
    sentence."""
    text = formats.date_format(value, "F Y")
    if (translation.get_language() or "").startswith("ru"):
        text = text[:1].lower() + text[1:]
    return text


def number_text(value, column: Column, *, grouped: bool = True) -> str | None:
    """A number of a numeric column as text in Russian, None if the value is no number;
    ``grouped=False`` for a CSV, whose numbers a spreadsheet reads back."""
    number = as_number(value)
    if number is None:
        return None
    grouped = grouped and column.grouped
    if column.kind == Kind.INTEGER:
        return _decimal(round(number), 0, grouped)
    if column.kind == Kind.PERCENT:
        space = GROUP if grouped else " "  # a CSV's as Excel types it
        return f"{_decimal(number * 100, column.places, grouped)}{space}%"
    return _decimal(number, column.places, grouped)


def display(item, column: Column) -> str:
    """The value as a person reads it: Russian decimals and dates, no mark."""
    value = value_of(item)
    if value is None:
        return ""
    if column.kind in NUMERIC:
        number = number_text(value, column)
        if number is not None:
            return number
    if column.kind == Kind.MONTH and isinstance(value, date):
        return month_name(value)
    if column.kind == Kind.DATE or isinstance(value, date):
        day = as_date(value)
        if day is not None:
            return day.strftime("%d.%m.%Y")
    return str(value)


def typed_value(value) -> Column:
    """A column for a lone value (a key–value block): by the value's own type."""
    if isinstance(value, date):
        return Column("", Kind.DATE)
    if isinstance(value, bool):
        return Column("")
    if isinstance(value, int):
        return Column("", Kind.INTEGER)
    if isinstance(value, float | Decimal):
        return Column("", Kind.DECIMAL)
    return Column("")


def spreadsheet_format(column: Column, marked: bool = False) -> str:
    """The number format of a numeric or date cell; a mark shows in the format, so the
    number stays a number."""
    if column.kind == Kind.DATE:
        return DATE_FORMAT
    if column.kind == Kind.MONTH:
        return MONTH_FORMAT
    whole = "#,##0" if column.grouped else "0"
    fraction = f".{'0' * column.places}" if column.places > 0 else ""
    if column.kind == Kind.INTEGER:
        base = whole
    elif column.kind == Kind.PERCENT:
        base = f"0{fraction}%"
    else:
        base = f"{whole}{fraction}"
    return f'{base}"{MARK}"' if marked else base


def csv_value(item, column: Column) -> str:
    """A CSV cell: the value alone (marks are for people's formats), decimals with a
    comma, dates as 31.12.2021, a link beside its text, text made formula-safe."""
    value = value_of(item)
    if value is None:
        return ""
    if column.kind in NUMERIC and as_number(value) is not None:
        return number_text(value, column, grouped=False)
    if column.kind == Kind.MONTH and isinstance(value, date):
        return month_name(value)
    if as_date(value) is not None and (column.kind == Kind.DATE or isinstance(value, date)):
        return display(value, column)
    text = str(value)
    link = link_of(item, column)
    if link and link != text:
        text = f"{text} ({link})"
    return formula_safe(text)
