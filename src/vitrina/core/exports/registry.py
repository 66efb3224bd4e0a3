"""The documents modules offer and the sections they add to each other's documents.

A module registers each of its documents once, when its app is ready::

    REPORT = registry.register(
        registry.DocumentType(
            key="analytics.report",
            title=gettext_lazy("Period report"),
            build=lambda *, membership, report: report_document(build_report(report)),
            visible=can_read_reports,  # who may see it (everyone when left out)
            formats=("xlsx", "docx", "csv"),
        )
    )

and another module adds its own part to that document without importing its owner::

    registry.contribute(
        registry.Contribution(
            document="analytics.report", key="inbox.inquiries", build=inquiries_section
        )
    )

``build`` of a contribution takes the document's ``Meta`` (whose, which days) and gives
its sections; the document's builder places ``contributed(key, meta)`` where others'
sections belong. ``document(key, membership=…, **params)`` builds a document for a person
(refused unless it is visible to them); ``formats.response`` writes it for the browser.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from vitrina.core.exports.sections import CSV, DOCX, XLSX, Document, Meta, Section
from vitrina.core.models import Membership


def _everyone(membership: Membership | None) -> bool:
    return True


@dataclass(frozen=True)
class DocumentType:
    key: str  # "<app>.<name>"
    title: str
    build: Callable[..., Document]  # build(*, membership, **params) -> Document
    visible: Callable[[Membership | None], bool] = _everyone
    formats: tuple[str, ...] = (XLSX, DOCX, CSV)


@dataclass(frozen=True)
class Contribution:
    document: str  # the key of the document it adds to
    key: str  # "<app>.<name>" of the contribution itself
    build: Callable[[Meta], list[Section]]
    order: int = 100  # smaller first, among the contributions to one document


_documents: dict[str, DocumentType] = {}
_contributions: dict[str, dict[str, Contribution]] = {}


def register(document_type: DocumentType) -> DocumentType:
    """Register (or register again, as a reload does) a module's document."""
    _documents[document_type.key] = document_type
    return document_type


def contribute(contribution: Contribution) -> Contribution:
    _contributions.setdefault(contribution.document, {})[contribution.key] = contribution
    return contribution


def get(key: str) -> DocumentType:
    try:
        return _documents[key]
    except KeyError:
        raise LookupError(f"No document {key!r} is registered.") from None


def available(membership: Membership | None) -> list[DocumentType]:
    """The documents this person may make, by key."""
    return [item for _key, item in sorted(_documents.items()) if item.visible(membership)]


def contributions(key: str) -> list[Contribution]:
    found = _contributions.get(key, {}).values()
    return sorted(found, key=lambda item: (item.order, item.key))


def contributed(key: str, meta: Meta) -> list[Section]:
    """Every section other modules add to the document, in their order."""
    return [section for item in contributions(key) for section in item.build(meta)]


def document(key: str, *, membership: Membership | None, **params) -> Document:
    """Build a registered document for a person, who must be allowed to see it."""
    document_type = get(key)
    if not document_type.visible(membership):
        raise PermissionDenied
    return document_type.build(membership=membership, **params)
