"""Reads of virtual exhibitions: within the acting membership's organisation, and the
public page's, which sees published exhibitions only."""

from django.db.models import Count, Prefetch, QuerySet

from vitrina.core.models import Membership
from vitrina.exhibitions.models import Book, Exhibition, Section


def exhibition_list(*, membership: Membership) -> QuerySet[Exhibition]:
    return (
        Exhibition.objects.filter(organisation=membership.organisation)
        .annotate(book_count=Count("books", distinct=True))
        .select_related("series")
        .order_by("-created_at", "-pk")
    )


def exhibition_get(*, membership: Membership, pk: int) -> Exhibition | None:
    return (
        Exhibition.objects.filter(organisation=membership.organisation, pk=pk)
        .select_related("organisation", "library", "series")
        .first()
    )


def _books() -> QuerySet[Book]:
    return Book.objects.select_related("record").order_by("position", "pk")


def exhibition_sections(exhibition: Exhibition) -> tuple[list[Section], list[Book]]:
    """The sections in order with their books, and the books outside any section."""
    sections = list(
        exhibition.sections.prefetch_related(Prefetch("books", queryset=_books())).order_by(
            "position", "pk"
        )
    )
    loose = list(_books().filter(exhibition=exhibition, section__isnull=True))
    return sections, loose


def section_get(*, exhibition: Exhibition, pk: int) -> Section | None:
    return exhibition.sections.filter(pk=pk).first()


def book_get(*, exhibition: Exhibition, pk: int) -> Book | None:
    return exhibition.books.filter(pk=pk).select_related("record", "exhibition").first()


def public_exhibition(*, org_slug: str, slug: str) -> Exhibition | None:
    return (
        Exhibition.objects.filter(
            organisation__slug=org_slug, slug=slug, published_at__isnull=False
        )
        .select_related("organisation", "library")
        .first()
    )


def public_book_get(*, exhibition: Exhibition, pk: int) -> Book | None:
    """A book of a published exhibition, for its public page."""
    return exhibition.books.filter(pk=pk).select_related("record").first()
