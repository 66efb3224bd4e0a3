"""Linked readers of an organisation, for the librarians' readers page."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from vitrina.core.models import Membership
from vitrina.core.rules import limited_library_ids
from vitrina.readers.models import Consent, Purpose, Reader, ReaderLink


@dataclass
class ReaderFilter:
    library_id: int | None = None
    consent: str = ""  # a purpose with a live consent, or "none"
    state: str = ""  # a link state


def _scoped(membership: Membership) -> QuerySet[Reader]:
    readers = Reader.objects.filter(organisation=membership.organisation)
    limited = limited_library_ids(membership)
    if limited is not None:
        readers = readers.filter(library_id__in=limited)
    return readers


def reader_list(*, membership: Membership, filters: ReaderFilter | None = None) -> QuerySet[Reader]:
    """Readers with at least one link, newest first, with their links and consents."""
    filters = filters or ReaderFilter()
    readers = _scoped(membership).filter(links__isnull=False)
    if filters.library_id:
        readers = readers.filter(library_id=filters.library_id)
    live = Consent.objects.filter(reader=OuterRef("pk"), withdrawn_at__isnull=True)
    if filters.consent == "none":
        readers = readers.filter(~Exists(live))
    elif filters.consent in Purpose.values:
        readers = readers.filter(Exists(live.filter(purpose=filters.consent)))
    if filters.state in ReaderLink.State.values:
        readers = readers.filter(
            Exists(ReaderLink.objects.filter(reader=OuterRef("pk"), state=filters.state))
        )
    return (
        readers.distinct()
        .select_related("library")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=ReaderLink.objects.select_related("channel").order_by("linked_at"),
            ),
            Prefetch("consents", queryset=Consent.objects.order_by("-given_at")),
        )
        .order_by("-created_at", "-pk")
    )


def consent_by_purpose(reader: Reader) -> list[dict]:
    """Per purpose the latest consent act of a reader (from the prefetched rows)."""
    latest = {}
    for consent in reader.consents.all():
        latest.setdefault(consent.purpose, consent)
    return [
        {"purpose": purpose, "label": label, "consent": latest.get(purpose)}
        for purpose, label in Purpose.choices
    ]


def reader_counts(*, membership: Membership) -> list[dict]:
    """Per library: readers linked, and live consents per purpose (what analysts see)."""
    readers = _scoped(membership).filter(links__isnull=False).distinct()
    rows = (
        Reader.objects.filter(pk__in=readers.values("pk"))
        .values("library_id", "library__name")
        .annotate(
            readers=Count("pk", distinct=True),
            **{
                purpose: Count(
                    "consents__reader",
                    filter=Q(consents__purpose=purpose, consents__withdrawn_at__isnull=True),
                    distinct=True,
                )
                for purpose in Purpose.values
            },
        )
        .order_by("library__name")
    )
    return [
        {
            "library": row["library__name"],
            "readers": row["readers"],
            "consents": [(label, row[purpose]) for purpose, label in Purpose.choices],
        }
        for row in rows
    ]
