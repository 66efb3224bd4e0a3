"""New-arrival lists: the records received in a period, grouped by subject, as a post's
text and as a document of the export layer: an XLSX table and a DOCX list of ГОСТ
descriptions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.catalog.bibrecord import from_dict
from vitrina.catalog.booklist import alphabetical
from vitrina.catalog.gost import describe_short
from vitrina.catalog.models import Record
from vitrina.core.exports import registry
from vitrina.core.exports.sections import (
    CSV,
    DOCX,
    XLSX,
    Column,
    Document,
    Entries,
    Kind,
    Meta,
    Section,
    Table,
)
from vitrina.core.models import Membership

# A list longer than this is more than a post or a printed sheet can carry.
MAX_RECORDS = 1000
KEY = "exhibitions.arrivals"
PRINTED, TABULAR = frozenset({DOCX}), frozenset({XLSX, CSV})


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


def arrivals_document(
    groups: list[Group],
    *,
    title: str,
    owner: str = "",
    received_from: datetime.date | None = None,
    received_to: datetime.date | None = None,
) -> Document:
    """The list as Word prints it (subjects, then the numbered ГОСТ descriptions under
    them) and as a table for Excel and CSV (a row a record)."""
    sections: list[Section] = []
    number = 1
    for group in groups:
        descriptions = [record.description for record in group.records]
        sections.append(
            Entries(heading=group.subject, items=descriptions, start=number, only=PRINTED)
        )
        number += len(descriptions)
    rows, number = [], 0
    for group in groups:
        for record in group.records:
            number += 1
            rows.append(
                [
                    number,
                    group.subject,
                    record.description,
                    record.isbn,
                    record.year,
                    record.received_on,
                ]
            )
    sections.append(
        Table(
            columns=[
                Column(_("No."), Kind.INTEGER, width=6),
                Column(_("Subject"), width=28, wrap=True),
                Column(_("Description"), width=90, wrap=True),
                Column(_("ISBN"), width=16),
                Column(_("Year"), Kind.INTEGER, grouped=False, width=8),
                Column(_("Received"), Kind.DATE, width=12),
            ],
            rows=rows,
            only=TABULAR,
        )
    )
    meta = Meta(owner=owner, date_from=received_from, date_to=received_to)
    return Document(title=title, meta=meta, sections=sections, sheet=_("New arrivals"))


def _build(*, membership: Membership, received_from, received_to) -> Document:
    records = arrivals(membership=membership, received_from=received_from, received_to=received_to)
    return arrivals_document(
        grouped(records[:MAX_RECORDS]),
        title=title_for(received_from, received_to),
        owner=membership.organisation.name,
        received_from=received_from,
        received_to=received_to,
    )


registry.register(
    registry.DocumentType(
        key=KEY, title=gettext_lazy("New arrivals"), build=_build, formats=(XLSX, DOCX)
    )
)
