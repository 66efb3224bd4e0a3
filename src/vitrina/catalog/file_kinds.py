"""Telling what an uploaded catalogue file is before reading its records.

A file that is not what it claims (a random binary, a picture, a document) is refused with
one plain sentence instead of a report of hundreds of «damaged records».
"""

import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from vitrina.core.exceptions import ServiceError
from vitrina.core.text_files import decode_text

SUPPORTED = "MARC21 / RUSMARC (ISO 2709, MARCXML), CSV, XLSX"


def _refuse(message: str) -> None:
    raise ServiceError(message, field="file")


def _is_iso2709(data: bytes) -> bool:
    """The leader of the first record: its length, then the base address of its data,
    in digits, where the standard puts them."""
    leader = data[:24]
    return len(leader) == 24 and leader[:5].isdigit() and leader[12:17].isdigit()


def check_marc(data: bytes) -> None:
    head = data[:65536].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"<"):
        if b"record" not in head:
            _refuse(
                _("This XML file holds no MARC records (MARCXML). Vitrina reads %(kinds)s.")
                % {"kinds": SUPPORTED}
            )
        return
    if not _is_iso2709(head):
        _refuse(
            _(
                "This is not a MARC file: it does not begin with a record's leader. "
                "Vitrina reads %(kinds)s; export the catalogue from the library system "
                "in one of them."
            )
            % {"kinds": SUPPORTED}
        )


def check_xlsx(data: bytes) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        _refuse(
            _(
                "This is not an Excel workbook (XLSX). Save the table as XLSX or CSV "
                "and upload it again."
            )
        )
    try:
        load_workbook(io.BytesIO(data), read_only=True).close()
    except Exception:  # openpyxl raises many kinds for a workbook it cannot read
        _refuse(
            _(
                "The workbook cannot be read: it is damaged or is not an XLSX table. "
                "Open it in a spreadsheet program, save it as XLSX again and upload it."
            )
        )


def check_csv(data: bytes, encoding: str | None) -> None:
    decode_text(data, encoding=encoding)
