"""The formats a document is written in, and the answer that hands a file to the browser."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpResponse

from vitrina.core.exports.csv_writer import write_csv
from vitrina.core.exports.docx_writer import write_docx
from vitrina.core.exports.sections import CSV, DOCX, XLSX, Document
from vitrina.core.exports.xlsx_writer import write_xlsx


@dataclass(frozen=True)
class Format:
    key: str
    content_type: str
    write: Callable[[Document], bytes]


FORMATS = {
    XLSX: Format(
        XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx
    ),
    DOCX: Format(
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        write_docx,
    ),
    CSV: Format(CSV, "text/csv; charset=utf-8", write_csv),
}


def write(document: Document, fmt: str) -> bytes:
    return FORMATS[fmt].write(document)


def response(document: Document, fmt: str, *, filename: str, allowed=None) -> HttpResponse:
    """The document as a download named ``filename`` (without the extension); a format
    not in ``allowed`` (a document type's formats) or not known is a 404."""
    if fmt not in FORMATS or (allowed is not None and fmt not in allowed):
        raise Http404
    answer = HttpResponse(write(document, fmt), content_type=FORMATS[fmt].content_type)
    answer["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return answer
