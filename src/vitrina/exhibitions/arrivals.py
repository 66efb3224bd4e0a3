"""New-arrival lists: the records received in a period, grouped by subject, as a post's
text, an XLSX table and a DOCX list of ГОСТ descriptions."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from vitrina.catalog.bibrecord import from_dict
from vitrina.catalog.booklist import add_entry, alphabetical, document_bytes, new_document
from vitrina.catalog.gost import describe_short
from vitrina.catalog.models import Record
from vitrina.core.models import Membership

# A list longer than this is more than a post or a printed sheet can carry.
MAX_RECORDS = 1000


@dataclass
class Group:
    subject: str
    records: list[Record]


def arrivals(
    *, membership: Membership, received_from: datetime.date, received_to: datetime.date
) -> QuerySet[Record]:
    return (
        Record.objects.filter(
            organisation=membership.organisation,
            received_on__gte=received_from,
            received_on__lte=received_to,
        )
        .only("id", "title", "description", "data", "subjects", "isbn", "year", "received_on")
        .order_by(F("received_on").desc(), "title", "pk")
    )


def grouped(records) -> list[Group]:
    """By the first subject of each record, subjects in alphabetical order; records with
    no subject last, under «Other»."""
    groups: dict[str, list[Record]] = {}
    for record in records:
        subject = (record.subjects[0] if record.subjects else "").strip()
        groups.setdefault(subject, []).append(record)
    order = sorted((subject for subject in groups if subject), key=str.casefold)
    if "" in groups:
        order.append("")
    result = []
    for subject in order:
        members = sorted(groups[subject], key=lambda r: r.description.casefold())
        result.append(Group(subject=subject or _("Other"), records=members))
    return result


def title_for(received_from: datetime.date, received_to: datetime.date) -> str:
    return _("New arrivals from %(start)s to %(end)s") % {
        "start": received_from.strftime("%d.%m.%Y"),
        "end": received_to.strftime("%d.%m.%Y"),
    }


def arrivals_text(groups: list[Group], *, title: str) -> str:
    """The post: subjects as headings, short descriptions under them."""
    lines = [title]
    for group in groups:
        lines += ["", f"📚 {group.subject}"]
        lines += [
            f"• {text}"
            for text in alphabetical(describe_short(from_dict(r.data)) for r in group.records)
        ]
    return "\n".join(lines)


def arrivals_docx(groups: list[Group], *, title: str, note: str = "") -> bytes:
    document = new_document(title=title, note=note)
    number = 0
    for group in groups:
        heading = document.add_paragraph()
        heading.add_run(group.subject).bold = True
        for record in group.records:
            number += 1
            add_entry(document, number, record.description)
    return document_bytes(document)


def arrivals_xlsx(groups: list[Group], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("New arrivals")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [_("No."), _("Subject"), _("Description"), _("ISBN"), _("Year"), _("Received")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    number = 0
    for group in groups:
        for record in group.records:
            number += 1
            sheet.append(
                [
                    number,
                    group.subject,
                    record.description,
                    record.isbn,
                    record.year,
                    record.received_on,
                ]
            )
            sheet.cell(row=sheet.max_row, column=6).number_format = "DD.MM.YYYY"
    for column, width in zip("ABCDEF", (6, 28, 90, 16, 8, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
