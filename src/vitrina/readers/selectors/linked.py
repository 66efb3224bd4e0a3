"""Linked readers as the API lists them: each reader's dialogs and live consents, and the
counts an analyst is given instead."""

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from vitrina.core.models import Membership
from vitrina.readers.models import Consent, Purpose, Reader, ReaderLink
from vitrina.readers.selectors._common import scoped_readers


def linked_readers(membership: Membership, *, library_id: int | None = None) -> QuerySet[Reader]:
    """Readers with at least one dialog, by card; their links and live consents are
    prefetched (three queries a page)."""
    readers = scoped_readers(membership).filter(
        Exists(ReaderLink.objects.filter(reader=OuterRef("pk")))
    )
    if library_id is not None:
        readers = readers.filter(library_id=library_id)
    return (
        readers.select_related("library")
        .order_by("card", "pk")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=ReaderLink.objects.select_related("channel").order_by("linked_at", "pk"),
            ),
            Prefetch(
                "consents",
                queryset=Consent.objects.filter(withdrawn_at__isnull=True).order_by("given_at"),
                to_attr="live_consents",
            ),
        )
    )


def reader_counts(membership: Membership) -> dict:
    """Linked readers, those with a live dialog, and live consents per purpose."""
    readers = scoped_readers(membership).filter(
        Exists(ReaderLink.objects.filter(reader=OuterRef("pk")))
    )
    live = Exists(ReaderLink.objects.filter(reader=OuterRef("pk"), state=ReaderLink.State.ACTIVE))
    counts = readers.aggregate(linked=Count("pk"), active=Count("pk", filter=live))
    consents = dict.fromkeys(Purpose.values, 0)
    for purpose, number in (
        Consent.objects.filter(reader__in=readers, withdrawn_at__isnull=True)
        .values_list("purpose")
        .annotate(number=Count("reader", distinct=True))
        .order_by()
    ):
        consents[purpose] = number
    return {"linked": counts["linked"], "active": counts["active"], "consents": consents}
