"""Catalogue records: their columns from a bibliographic record, stored in batches, indexed.

A record already in the catalogue (same source and id) is updated, never duplicated; a
record that cannot be read is listed in the import's report with its number and reason.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.catalog import gost
from vitrina.catalog.bibrecord import BibRecord, to_dict
from vitrina.catalog.marc import Entry
from vitrina.catalog.models import Record
from vitrina.core.models import Organisation
from vitrina.core.search import search_words

BATCH_SIZE = 500
# An import report lists this many unreadable records; the count covers them all.
MAX_REPORTED_ERRORS = 1000
RECORD_FIELDS = (
    "title",
    "authors",
    "year",
    "publisher",
    "isbn",
    "subjects",
    "subjects_text",
    "resource_type",
    "url",
    "data",
    "description",
    "received_on",
    "search_document",
    "search_words",
    "updated_at",
)


def external_id_for(bib: BibRecord) -> str:
    """The id a record keeps across imports: its control number, ISBN or a content hash."""
    if bib.control_number:
        return bib.control_number[:200]
    if bib.isbn:
        return "isbn:" + normalise_isbn(bib.isbn)
    key = "|".join([bib.title, *(p.short for p in bib.authors), bib.year, bib.volume]).lower()
    return "sha1:" + hashlib.sha1(key.encode("utf-8")).hexdigest()  # noqa: S324


def normalise_isbn(isbn: str) -> str:
    """Digits (and a final X) only, so «978-5-4497-5034-1» and «9785449750341» are equal."""
    return re.sub(r"[^0-9X]", "", isbn.upper())[:40]


def _year(text: str) -> int | None:
    digits = "".join(char for char in text[:4] if char.isdigit())
    return int(digits) if len(digits) == 4 and 1000 <= int(digits) <= 2100 else None


def _entered(bib: BibRecord) -> datetime.date | None:
    entered = bib.source_ids.get("entered", "")
    try:
        return datetime.datetime.strptime(entered, "%Y%m%d").date()
    except ValueError:
        return None


def record_values(bib: BibRecord, *, received_on: datetime.date | None = None) -> dict:
    """The columns of a ``Record`` for a ``BibRecord``."""
    authors = ", ".join(person.short for person in bib.authors)
    words = " ".join(
        [
            bib.title,
            *bib.other_title,
            bib.volume_title,
            authors,
            *(person.surname for person in bib.editors + bib.compilers),
            bib.responsibility,
            *bib.subjects,
            *bib.publishers,
            bib.series,
        ]
    )
    return {
        "title": (bib.title or _("Untitled"))[:1000],
        "authors": authors[:1000],
        "year": _year(bib.year),
        "publisher": ", ".join(bib.publishers)[:500],
        "isbn": normalise_isbn(bib.isbn),
        "subjects": bib.subjects,
        "resource_type": bib.resource_type,
        "url": bib.url[:1000] if bib.url.startswith(("http://", "https://")) else "",
        "data": to_dict(bib),
        "description": gost.describe(bib),
        "received_on": received_on or _entered(bib),
        "subjects_text": "; ".join(bib.subjects)[:2000],
        "search_document": words,
        "search_words": search_words(
            words,
            fields={
                "t": " ".join([bib.title, *bib.other_title, bib.volume_title]),
                "a": " ".join(person.surname for person in bib.authors + bib.editors),
                "s": " ".join(bib.subjects),
            },
        ),
    }


@dataclass
class ImportCounts:
    total: int = 0
    created: int = 0
    updated: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)


def records_index(*, records: QuerySet[Record]) -> None:
    """Refresh the full-text vectors of ``records`` (PostgreSQL keeps them in a GIN index)."""
    if connection.vendor == "postgresql":
        records.update(search_vector=SearchVector("search_document", config="russian"))


# Set when a record is first stored and kept by later imports.
FIRST_ONLY_FIELDS = ("organisation", "source", "external_id", "created_at", "cover", "cover_type")
INSERT_FIELDS = (*FIRST_ONLY_FIELDS, *RECORD_FIELDS)


def _upsert_sql() -> str:
    """One ``INSERT ... ON CONFLICT DO UPDATE`` for a row, run with ``executemany``.

    SQLite and PostgreSQL share the syntax; going past the ORM here keeps large imports
    fast (the ORM would compile SQL for every few dozen rows).
    """
    quote = connection.ops.quote_name
    fields = [Record._meta.get_field(name) for name in INSERT_FIELDS]
    columns = [quote(field.column) for field in fields]
    values = ["%s"] * len(fields)
    updates = [
        f"{quote(field.column)} = excluded.{quote(field.column)}"
        for field in fields[len(FIRST_ONLY_FIELDS) :]
    ]
    if connection.vendor == "postgresql":
        columns.append(quote("search_vector"))
        values.append("to_tsvector('russian'::regconfig, %s)")
        updates.append(f"{quote('search_vector')} = excluded.{quote('search_vector')}")
    # Only the model's own table and column names go into the text; values are parameters.
    return (
        f"INSERT INTO {quote(Record._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(values)}) "
        f"ON CONFLICT ({quote('organisation_id')}, {quote('source')}, {quote('external_id')}) "
        f"DO UPDATE SET {', '.join(updates)}"
    )


def _store_batch(
    organisation: Organisation,
    source: str,
    batch: dict[str, dict],
    counts: ImportCounts,
) -> None:
    existing = set(
        Record.objects.filter(
            organisation=organisation, source=source, external_id__in=list(batch)
        ).values_list("external_id", flat=True)
    )
    now = timezone.now()
    fields = [Record._meta.get_field(name) for name in INSERT_FIELDS]
    postgres = connection.vendor == "postgresql"
    rows = []
    for external_id, values in batch.items():
        values = {
            "organisation": organisation.pk,
            "source": source,
            "external_id": external_id,
            "created_at": now,
            "cover": "",
            "cover_type": "",
            **values,
            "updated_at": now,
        }
        row = [field.get_db_prep_save(values[field.name], connection) for field in fields]
        if postgres:
            row.append(values["search_document"])
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(), rows)
    counts.updated += len(existing)
    counts.created += len(batch) - len(existing)


def records_store(
    *,
    organisation: Organisation,
    source: str,
    entries: Iterable[Entry],
    received_on: datetime.date | None = None,
) -> ImportCounts:
    """Store read entries in batches: new records are added, known ones updated."""
    counts = ImportCounts()
    batch: dict[str, dict] = {}
    for entry in entries:
        counts.total += 1
        if entry.record is None:
            counts.failed += 1
            if len(counts.errors) < MAX_REPORTED_ERRORS:
                counts.errors.append(
                    {
                        "number": entry.number,
                        "offset": entry.offset,
                        "code": entry.error.code,
                        "reason": entry.error.reason,
                    }
                )
            continue
        # The same id twice in one batch would be one row written twice: the later wins.
        batch[external_id_for(entry.record)] = record_values(entry.record, received_on=received_on)
        if len(batch) >= BATCH_SIZE:
            _store_batch(organisation, source, batch, counts)
            batch = {}
    if batch:
        _store_batch(organisation, source, batch, counts)
    return counts
