"""Lists of literature from catalogue records: a DOCX to print (a document of the export
layer), plain text for a post.

A list is ordered alphabetically by description, as lists of literature are, and numbered.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.catalog.selectors import RecordFilter, record_list
from vitrina.core.exports import registry
from vitrina.core.exports.sections import DOCX, Document, Entries, Meta
from vitrina.core.models import Membership

KEY = "catalog.booklist"
# More records than this make no list anyone prints.
MAX_RECORDS = 1000


def alphabetical(descriptions: Iterable[str]) -> list[str]:
    return sorted(descriptions, key=lambda text: text.casefold().replace("ё", "е"))


def booklist_document(descriptions: Iterable[str], *, title: str, owner: str = "") -> Document:
    """The title, whose list it is under it, then the numbered descriptions."""
    return Document(
        title=title,
        meta=Meta(owner=owner),
        sections=[Entries(items=alphabetical(descriptions))],
    )


def booklist_text(descriptions: Iterable[str], *, title: str = "") -> str:
    """Numbered lines to paste into a post."""
    lines = [title, ""] if title else []
    lines += [
        f"{number}. {text}" for number, text in enumerate(alphabetical(descriptions), start=1)
    ]
    return "\n".join(lines) + "\n"


def _build(*, membership: Membership, filters: RecordFilter | None = None) -> Document:
    records = record_list(membership=membership, filters=filters).only("description")
    return booklist_document(
        [record.description for record in records[:MAX_RECORDS]],
        title=_("List of literature"),
        owner=membership.organisation.name,
    )


registry.register(
    registry.DocumentType(
        key=KEY, title=gettext_lazy("List of literature"), build=_build, formats=(DOCX,)
    )
)
