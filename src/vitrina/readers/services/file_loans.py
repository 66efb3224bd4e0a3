"""The uploaded file of loans of a library without Koha or IRBIS64.

A CSV (UTF-8 or cp1251, «;» or «,») or XLSX table with a header row in Russian or English:
the card, the surname or the year of birth (what readers prove the card with), the
inventory number or loan id, the title, the day given, the day due, the renewals. Each
upload replaces the connection's loans at once: a loan missing from the new file was
returned. A bad row is reported with its number and reason and left out; the rest load. A
file without one usable row changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.text_files import decode_text
from vitrina.readers.models import FileLoan, IlsConnection, IlsKind

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
HEADER_SEARCH = 10  # rows a title may take above the header
COLUMNS = {
    "card": {
        "читательский билет",
        "номер читательского билета",
        "номер билета",
        "билет",
        "чит. билет",
        "card",
        "card number",
        "cardnumber",
        "library card",
    },
    "surname": {"фамилия", "фамилия читателя", "surname", "last name", "family name"},
    "birth_year": {"год рождения", "дата рождения", "birth year", "year of birth", "birth date"},
    "loan_id": {
        "инвентарный номер",
        "инвентарный номер или id выдачи",
        "инв. номер",
        "инв номер",
        "инв.",
        "инв",
        "id выдачи",
        "номер выдачи",
        "штрихкод",
        "штрих-код",
        "inventory",
        "inventory number",
        "loan id",
        "loan_id",
        "barcode",
    },
    "title": {"название", "заглавие", "книга", "издание", "title"},
    "loaned_on": {"дата выдачи", "выдана", "выдано", "loaned", "loaned on", "loan date", "issued"},
    "due": {
        "срок возврата",
        "дата возврата",
        "вернуть до",
        "срок",
        "due",
        "due date",
        "return by",
    },
    "renewals": {"продлений", "продления", "число продлений", "renewals", "renewal count"},
}
REQUIRED = ("card", "loan_id", "due")
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%Y%m%d")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


@dataclass
class FileLoansReport:
    """What an upload did: rows read, loans loaded, each bad row's number and reason."""

    rows: int = 0
    loaded: int = 0
    replaced: bool = False  # the connection's loans are now the file's
    previous: int = 0  # loans the connection had before
    errors: list[tuple[int, str]] = field(default_factory=list)


def _header(value) -> str:
    text = str(value or "").casefold().replace("ё", "е")
    return " ".join(text.replace("*", " ").replace(":", " ").split())


def _columns(row) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, value in enumerate(row):
        name = _header(value)
        for key, names in COLUMNS.items():
            if name in names and key not in columns:
                columns[key] = index
    return columns


def _text(value) -> str:
    """A cell as text: Excel's numbers without «.0», spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def _date(value) -> datetime.date | None:
    """ДД.ММ.ГГГГ, ДД.ММ.ГГ, ISO, a date cell, an Excel day number; None if none of them."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = _text(value)
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", text).removesuffix(" г.").strip()
    for pattern in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2100:
            return day
    return None


def _rows(data: bytes, name: str) -> list[list]:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ServiceError(
            _("This is an old Excel workbook (XLS). Save it as XLSX or CSV."), field="file"
        )
    if data.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ServiceError(
                _("This is not an Excel workbook (XLSX). Save the table as XLSX or CSV."),
                field="file",
            )
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a workbook it cannot read
            raise ServiceError(
                _("The workbook cannot be read. Save it again as XLSX or CSV."), field="file"
            ) from None
        try:
            return [list(row) for row in workbook.active.iter_rows(values_only=True)]
        finally:
            workbook.close()
    text = decode_text(data)
    return list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))


def _delimiter(text: str) -> str:
    """«;» (Russian Excel), «,» or a tab: the one the header-like line uses most."""
    lines = [line for line in text[:8192].splitlines()[:HEADER_SEARCH] if line.strip()]
    best = max(lines, key=lambda line: sum(line.count(d) for d in ";,\t"), default="")
    return max(";,\t", key=best.count)


class _Bad(ValueError):
    pass


def _row_loan(row: list, columns: dict[str, int], second_factor: str) -> FileLoan:
    def cell(key):
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    card = _text(cell("card")).upper()
    if not card:
        raise _Bad(_("no library card number"))
    if len(card) > 40:
        raise _Bad(_("the card number is longer than 40 characters"))
    loan_id = _text(cell("loan_id"))
    if not loan_id:
        raise _Bad(_("no inventory number or loan id"))
    if len(loan_id) > 100:
        raise _Bad(_("the inventory number is longer than 100 characters"))
    raw_due = cell("due")
    due = _date(raw_due)
    if due is None:
        if not _text(raw_due):
            raise _Bad(_("no due date"))
        raise _Bad(
            _("the due date «%(value)s» is not a date like 25.03.2026")
            % {"value": _text(raw_due)[:40]}
        )
    loaned_on = None
    if _text(cell("loaned_on")):
        loaned_on = _date(cell("loaned_on"))
        if loaned_on is None:
            raise _Bad(
                _("the loan date «%(value)s» is not a date like 25.03.2026")
                % {"value": _text(cell("loaned_on"))[:40]}
            )
        if loaned_on > due:
            raise _Bad(_("the due date is before the loan date"))
    birth_year = None
    born = cell("birth_year")
    if _text(born):
        day = _date(born) if not re.fullmatch(r"\d{4}", _text(born)) else None
        year = day.year if day else int(_text(born)) if _text(born).isdigit() else 0
        if not 1900 <= year <= timezone.now().year:
            raise _Bad(
                _("the year of birth «%(value)s» is not a year") % {"value": _text(born)[:20]}
            )
        birth_year = year
    surname = _text(cell("surname"))[:100]
    if second_factor == IlsConnection.SecondFactor.SURNAME and not surname:
        raise _Bad(_("no surname, which the reader proves the card with"))
    if second_factor == IlsConnection.SecondFactor.BIRTH_YEAR and birth_year is None:
        raise _Bad(_("no year of birth, which the reader proves the card with"))
    renewals = 0
    if _text(cell("renewals")):
        text = _text(cell("renewals"))
        if not text.isdigit() or int(text) > 999:
            raise _Bad(_("renewals «%(value)s» is not a number") % {"value": text[:20]})
        renewals = int(text)
    return FileLoan(
        card=card,
        surname=surname,
        birth_year=birth_year,
        loan_id=loan_id,
        title=_text(cell("title"))[:300],
        loaned_on=loaned_on,
        due=due,
        renewals=renewals,
    )


def _read(uploaded_file) -> tuple[bytes, str]:
    name = getattr(uploaded_file, "name", "") or ""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ServiceError(_("The file is larger than 20 MB."), field="file")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ServiceError(_("The file is larger than 20 MB."), field="file")
    return data, name


def file_loans_replace(*, connection: IlsConnection, uploaded_file, actor) -> FileLoansReport:
    """Replace the connection's loans with the file's usable rows, at once."""
    if connection.kind != IlsKind.FILE:
        raise ServiceError(_("This connection does not read a file of loans."))
    data, name = _read(uploaded_file)
    if not data.strip():
        raise ServiceError(_("The file is empty."), field="file")
    rows = _rows(data, name)
    if len(rows) > MAX_ROWS + HEADER_SEARCH:
        raise ServiceError(_("At most %(count)s rows at once.") % {"count": MAX_ROWS}, field="file")
    header_at, columns = None, {}
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        found = _columns(row)
        if "card" in found and "due" in found:
            header_at, columns = index, found
            break
    missing = [key for key in REQUIRED if key not in columns]
    factor = "surname" if connection.second_factor == "surname" else "birth_year"
    if header_at is not None and factor not in columns:
        missing.append(factor)
    if missing:
        names = {
            "card": _("library card"),
            "loan_id": _("inventory number or loan id"),
            "due": _("due date"),
            "surname": _("surname"),
            "birth_year": _("year of birth"),
        }
        raise ServiceError(
            _(
                "The file has no column %(columns)s. The first row must name the columns: "
                "library card, surname or year of birth, inventory number, title, loan date, "
                "due date, renewals."
            )
            % {"columns": ", ".join(f"«{names[key]}»" for key in missing)},
            field="file",
        )
    report = FileLoansReport()
    loans: list[FileLoan] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(_text(value) for value in row):
            continue
        report.rows += 1
        try:
            loan = _row_loan(row, columns, connection.second_factor)
        except _Bad as problem:
            report.errors.append((number, str(problem)))
            continue
        if loan.loan_id in seen:
            report.errors.append(
                (
                    number,
                    _("the inventory number «%(value)s» is already in row %(row)s")
                    % {"value": loan.loan_id[:40], "row": seen[loan.loan_id]},
                )
            )
            continue
        seen[loan.loan_id] = number
        loan.connection = connection
        loans.append(loan)
    if not loans:
        return report
    with transaction.atomic():
        locked = IlsConnection.objects.select_for_update().get(pk=connection.pk)
        _total, deleted = locked.file_loans.all().delete()
        report.previous = deleted.get(FileLoan._meta.label, 0)
        FileLoan.objects.bulk_create(loans, batch_size=1000)
        locked.loans_synced_at = timezone.now()
        locked.sync_problem = ""
        locked.save(update_fields=["loans_synced_at", "sync_problem", "updated_at"])
        audit_record(
            action="readers.file_loans_replaced",
            organisation=connection.organisation,
            actor=actor,
            obj=locked,
            changes={
                "file": name[:200],
                "loans": len(loans),
                "previous": report.previous,
                "bad_rows": len(report.errors),
            },
        )
    connection.loans_synced_at, connection.sync_problem = locked.loans_synced_at, ""
    report.loaded, report.replaced = len(loans), True
    return report
