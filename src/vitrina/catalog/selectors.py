"""Reads of the catalogue, always within the acting membership's organisation.

Search understands Russian word forms: PostgreSQL matches with its ``russian`` text search
configuration; other databases match query stems against ``Record.search_words``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat

from vitrina.catalog import memorable
from vitrina.catalog.models import ColumnMapping, ImportRun, MemorableDate, Record
from vitrina.channels.models import Channel
from vitrina.channels.selectors import channel_list
from vitrina.core.models import Membership
from vitrina.core.search import stems

LIST_FIELDS = (
    "id",
    "title",
    "authors",
    "year",
    "publisher",
    "isbn",
    "resource_type",
    "received_on",
    "description",
)


@dataclass
class RecordFilter:
    q: str = ""
    title: str = ""
    author: str = ""
    subject: str = ""
    isbn: str = ""
    year_from: int | None = None
    year_to: int | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None


def _words_match(records: QuerySet[Record], text: str, *, prefix: str = "") -> QuerySet[Record]:
    """Records with every word of ``text``, in any grammatical form, in one field or any.

    ``prefix`` names the field: "" any, "t" title, "a" authors, "s" subjects. Searches of
    any field use PostgreSQL's ``russian`` full-text search where it is available; searches
    of one field, and all searches elsewhere, match query stems against stored words.
    """
    if not prefix and connection.vendor == "postgresql":
        return records.filter(
            search_vector=SearchQuery(text, config="russian", search_type="plain")
        )
    marker = f"{prefix}:" if prefix else ""
    for word_stem in stems(text):
        records = records.filter(search_words__contains=f" {marker}{word_stem}")
    return records


def record_list(
    *,
    membership: Membership,
    filters: RecordFilter | None = None,
    fields: tuple[str, ...] = LIST_FIELDS,
) -> QuerySet:
    """The records that match ``filters``, newest arrivals first, with ``fields`` read."""
    filters = filters or RecordFilter()
    records = Record.objects.filter(organisation=membership.organisation)
    for text, prefix in (
        (filters.q, ""),
        (filters.title, "t"),
        (filters.author, "a"),
        (filters.subject, "s"),
    ):
        if text.strip():
            records = _words_match(records, text, prefix=prefix)
    if filters.isbn.strip():
        digits = re.sub(r"[^0-9Xx]", "", filters.isbn)
        records = records.filter(isbn__contains=digits.upper()) if digits else records
    if filters.year_from:
        records = records.filter(year__gte=filters.year_from)
    if filters.year_to:
        records = records.filter(year__lte=filters.year_to)
    if filters.received_from:
        records = records.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        records = records.filter(received_on__lte=filters.received_to)
    return records.only(*fields).order_by(F("received_on").desc(nulls_last=True), "title", "pk")


def record_export_list(
    *, membership: Membership, filters: RecordFilter | None, limit: int
) -> QuerySet[Record]:
    """The found records with what a list of literature needs, at most ``limit``."""
    fields = ("title", "description", "data")
    return record_list(membership=membership, filters=filters, fields=fields)[:limit]


def record_get(*, membership: Membership, pk: int) -> Record | None:
    return Record.objects.filter(organisation=membership.organisation, pk=pk).first()


def import_run_list(*, membership: Membership) -> QuerySet[ImportRun]:
    return (
        ImportRun.objects.filter(organisation=membership.organisation)
        .select_related("started_by")
        .defer("errors")
    )


def import_run_get(*, membership: Membership, pk: int) -> ImportRun | None:
    return (
        ImportRun.objects.filter(organisation=membership.organisation, pk=pk)
        .select_related("started_by")
        .first()
    )


def memorable_date_list(
    *, membership: Membership, kind: str = "", q: str = ""
) -> QuerySet[MemorableDate]:
    dates = MemorableDate.objects.filter(organisation=membership.organisation)
    if kind:
        dates = dates.filter(kind=kind)
    if q.strip():
        dates = dates.filter(Q(title__icontains=q.strip()) | Q(description__icontains=q.strip()))
    return dates.order_by("title")


def memorable_date_get(*, membership: Membership, pk: int) -> MemorableDate | None:
    return MemorableDate.objects.filter(organisation=membership.organisation, pk=pk).first()


def memorable_date_upcoming(
    *, membership: Membership, today: datetime.date, days: int
) -> list[memorable.Occurrence]:
    """Anniversaries and kept days of the organisation's calendar in the coming ``days``."""
    entries = [
        date.to_entry()
        for date in MemorableDate.objects.filter(organisation=membership.organisation)
    ]
    return memorable.upcoming(entries, today=today, days=days)


def memorable_date_ids(*, membership: Membership) -> dict[str, int]:
    """Each date's id by its kind and title ("person:Толстой Л. Н."), to find a coming one."""
    return dict(
        MemorableDate.objects.filter(organisation=membership.organisation).values_list(
            Concat("kind", Value(":"), "title"), "pk"
        )
    )


def column_mapping_get(*, membership: Membership) -> ColumnMapping | None:
    return ColumnMapping.objects.filter(organisation=membership.organisation).first()


def channels_chosen(*, membership: Membership, ids: list[str]) -> list[Channel]:
    """The channels of the membership named by these ids (as a form sends them)."""
    wanted = [int(pk) for pk in ids if str(pk).isdigit()]
    return list(channel_list(membership=membership).filter(pk__in=wanted))
