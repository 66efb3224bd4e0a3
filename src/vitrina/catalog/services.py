"""Writes of the catalogue: imports of records and memorable dates, covers.

Imports read a file record by record: a record that cannot be read is listed in the
import's report with its number and reason, the others are stored. A record already in the
catalogue (same source and id) is updated, never duplicated.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.catalog import gost, memorable, tabular
from vitrina.catalog.bibrecord import BibRecord, to_dict
from vitrina.catalog.covers import CoverError, fetch_cover
from vitrina.catalog.marc import ENCODINGS, FLAVOURS, Entry, read_marc
from vitrina.catalog.models import ColumnMapping, ImportRun, MemorableDate, Record, Source
from vitrina.catalog.stemmer import search_words
from vitrina.core.audit import audit_changes, audit_record, diff_fields, snapshot
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Organisation, User

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
MARC_FORMAT = "marc"
CSV_FORMAT = "csv"
XLSX_FORMAT = "xlsx"


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


def detect_format(filename: str, data: bytes) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        return XLSX_FORMAT
    if suffix in {".csv", ".tsv", ".txt"}:
        return CSV_FORMAT
    return MARC_FORMAT


def _entries(
    file_format: str,
    data: bytes,
    encoding: str | None,
    flavour: str | None,
    organisation: Organisation,
) -> Iterator[Entry]:
    if file_format in (XLSX_FORMAT, CSV_FORMAT):
        mapping = ColumnMapping.objects.filter(organisation=organisation).first()
        columns = mapping.columns if mapping else None
        if file_format == XLSX_FORMAT:
            return tabular.read_xlsx(data, columns=columns)
        return tabular.read_csv(data, encoding=encoding, columns=columns)
    return read_marc(data, encoding=encoding, flavour=flavour)


@transaction.atomic
def column_mapping_save(
    *, organisation: Organisation, actor: User | None, columns: dict[str, list[str]]
) -> ColumnMapping:
    """Keep the organisation's own names of CSV/XLSX columns for later imports."""
    unknown = set(columns) - set(tabular.COLUMNS)
    if unknown:
        raise ServiceError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    cleaned = {
        key: sorted({tabular.header_name(name) for name in names if tabular.header_name(name)})
        for key, names in columns.items()
    }
    cleaned = {key: names for key, names in cleaned.items() if names}
    taken: dict[str, str] = {}
    for key, names in cleaned.items():
        for name in names:
            if name in taken:
                raise ServiceError(
                    _("The column “%(name)s” is given for two fields.") % {"name": name},
                    field=key,
                )
            taken[name] = key
    mapping, _created = ColumnMapping.objects.get_or_create(organisation=organisation)
    before = mapping.columns
    mapping.columns = cleaned
    mapping.save()
    audit_record(
        action="catalogue.columns_changed",
        organisation=organisation,
        actor=actor,
        obj=mapping,
        changes={"columns": [before, cleaned]},
    )
    return mapping


def _check_import(*, data: bytes, encoding: str | None, flavour: str | None) -> None:
    if encoding and encoding not in ENCODINGS:
        raise ServiceError(_("Choose UTF-8, cp1251 or cp866."), field="encoding")
    if flavour and flavour not in FLAVOURS:
        raise ServiceError(_("Choose MARC21 or RUSMARC."), field="flavour")
    if not data.strip():
        raise ServiceError(_("The file is empty."), field="file")


@transaction.atomic
def record_import_queue(
    *,
    organisation: Organisation,
    actor: User | None,
    filename: str,
    data: bytes,
    encoding: str | None = None,
    flavour: str | None = None,
    received_on: datetime.date | None = None,
) -> ImportRun:
    """Keep an uploaded file and import it in the background; the run reports progress.

    Without a task broker (the embedded default) the task runs as soon as this transaction
    commits, in the same process.
    """
    from vitrina.catalog.tasks import record_import_task

    _check_import(data=data, encoding=encoding, flavour=flavour)
    run = ImportRun(
        organisation=organisation,
        started_by=actor if actor is not None and actor.is_authenticated else None,
        filename=PurePath(filename).name[:300],
        file_format=detect_format(filename, data),
        options={
            "encoding": encoding or "",
            "flavour": flavour or "",
            "received_on": received_on.isoformat() if received_on else "",
        },
    )
    run.file.save(f"{uuid.uuid4().hex}{PurePath(filename).suffix[:10]}", ContentFile(data))
    transaction.on_commit(lambda: record_import_task.delay(run.pk))
    return run


def record_import_run(*, run_id: int) -> ImportRun | None:
    """Carry out a queued import; a second delivery of the same task does nothing."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update()
            .filter(pk=run_id, state=ImportRun.State.QUEUED)
            .first()
        )
        if run is None:
            return None
        run.state = ImportRun.State.RUNNING
        run.save(update_fields=["state"])
    options = run.options
    received_on = options.get("received_on")
    try:
        with run.file.open("rb") as stream:
            data = stream.read()
        with transaction.atomic():
            _run_import(
                organisation=run.organisation,
                actor=run.started_by,
                label=run.filename,
                file_format=run.file_format,
                source=Source.FILE,
                entries=_entries(
                    run.file_format,
                    data,
                    options.get("encoding") or None,
                    options.get("flavour") or None,
                    run.organisation,
                ),
                encoding=options.get("encoding", ""),
                received_on=datetime.date.fromisoformat(received_on) if received_on else None,
                run=run,
            )
    except Exception as error:
        ImportRun.objects.filter(pk=run.pk).update(
            state=ImportRun.State.FAILED,
            finished_at=timezone.now(),
            errors=[{"number": 0, "offset": 0, "code": "failed", "reason": str(error)[:500]}],
        )
        raise
    finally:
        # The upload is not kept once read: the catalogue holds what mattered in it.
        run.file.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(file="")
    run.refresh_from_db()
    return run


@transaction.atomic
def record_import(
    *,
    organisation: Organisation,
    actor: User | None,
    filename: str,
    data: bytes,
    encoding: str | None = None,
    flavour: str | None = None,
    received_on: datetime.date | None = None,
) -> ImportRun:
    """Import a MARC21/RUSMARC (ISO 2709 or MARCXML), CSV or XLSX file into the catalogue."""
    _check_import(data=data, encoding=encoding, flavour=flavour)
    file_format = detect_format(filename, data)
    return _run_import(
        organisation=organisation,
        actor=actor,
        label=filename,
        file_format=file_format,
        source=Source.FILE,
        entries=_entries(file_format, data, encoding, flavour, organisation),
        encoding=encoding or "",
        received_on=received_on,
    )


def _run_import(
    *,
    organisation: Organisation,
    actor: User | None,
    label: str,
    file_format: str,
    source: str,
    entries: Iterable[Entry],
    encoding: str = "",
    received_on: datetime.date | None = None,
    run: ImportRun | None = None,
) -> ImportRun:
    """Store ``entries`` as one import with its report and audit entry.

    ``run`` is an import already waiting in the queue; without it one is created.
    """
    if run is None:
        run = ImportRun.objects.create(
            organisation=organisation,
            started_by=actor if actor is not None and actor.is_authenticated else None,
            filename=PurePath(label).name[:300] if source == Source.FILE else label[:300],
            file_format=file_format,
        )
    encodings: set[str] = set()

    def noting_encoding(entries: Iterable[Entry]) -> Iterator[Entry]:
        for entry in entries:
            if entry.encoding:
                encodings.add(entry.encoding)
            yield entry

    counts = records_store(
        organisation=organisation,
        source=source,
        entries=noting_encoding(entries),
        received_on=received_on,
    )
    run.total, run.created, run.updated = counts.total, counts.created, counts.updated
    run.failed, run.errors = counts.failed, counts.errors
    run.encoding = encoding or ", ".join(sorted(encodings))
    run.state = ImportRun.State.DONE
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        action="catalogue.imported",
        organisation=organisation,
        actor=actor,
        obj=run,
        changes={
            "source": source,
            "created": run.created,
            "updated": run.updated,
            "failed": run.failed,
        },
    )
    return run


@transaction.atomic
def record_harvest(
    *,
    organisation: Organisation,
    actor: User | None,
    source: str,
    label: str,
    entries: Iterable[Entry],
) -> ImportRun:
    """Store records read from a library system (IRBIS64, SRU, Koha) as one import.

    ``entries`` come from the connectors' ``*_entries`` functions; records the system sent
    before are updated, as with files.
    """
    if source not in {Source.IRBIS, Source.SRU, Source.KOHA}:
        raise ServiceError(f"Unknown source: {source}")
    return _run_import(
        organisation=organisation,
        actor=actor,
        label=label,
        file_format=source,
        source=source,
        entries=entries,
    )


@transaction.atomic
def record_cover_fetch(*, record: Record, actor: User | None, url: str = "") -> Record:
    """Download the cover from ``url`` (or the record's link) and keep it with the record."""
    try:
        cover = fetch_cover(
            url or record.url,
            max_bytes=settings.CATALOG_COVER_MAX_BYTES,
            allow_private=settings.CATALOG_COVER_ALLOW_PRIVATE,
        )
    except CoverError as error:
        raise ServiceError(
            _("The cover could not be taken: %(reason)s") % {"reason": error}, field="url"
        ) from error
    if record.cover:
        record.cover.delete(save=False)
    record.cover.save(f"{record.pk}.{cover.extension}", ContentFile(cover.content), save=False)
    record.cover_type = cover.content_type
    record.save(update_fields=["cover", "cover_type", "updated_at"])
    audit_record(
        action="catalogue.cover_fetched",
        organisation=record.organisation,
        actor=actor,
        obj=record,
        changes={"cover": url or record.url},
    )
    return record


# Memorable dates


def _date_columns(entry: memorable.MemorableDate) -> dict:
    date, end, rule = entry.date, entry.end, entry.rule
    return {
        "description": entry.description[:5000],
        "year": date.year if date else None,
        "month": date.month if date else None,
        "day": date.day if date else None,
        "end_year": end.year if end else None,
        "end_month": end.month if end else None,
        "end_day": end.day if end else None,
        "rule_month": rule.month if rule else None,
        "rule_day": rule.day if rule else None,
        "rule_weekday": rule.weekday if rule else None,
        "rule_nth": rule.nth if rule else None,
        "since": entry.since,
        "tags": entry.tags,
    }


@dataclass
class DateImport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def memorable_dates_store(
    *, organisation: Organisation, entries: Iterable[memorable.MemorableDate], replace: bool
) -> DateImport:
    """Add dates; a date with the same kind and title is updated when ``replace`` is set."""
    result = DateImport()
    known = {
        (kind, title): pk
        for pk, kind, title in MemorableDate.objects.filter(organisation=organisation).values_list(
            "pk", "kind", "title"
        )
    }
    new = []
    for entry in entries:
        key = (entry.kind, entry.title[:300])
        if key in known:
            if replace:
                MemorableDate.objects.filter(pk=known[key]).update(
                    **_date_columns(entry), updated_at=timezone.now()
                )
                result.updated += 1
            continue
        known[key] = None
        new.append(
            MemorableDate(
                organisation=organisation,
                kind=entry.kind,
                title=entry.title[:300],
                **_date_columns(entry),
            )
        )
    MemorableDate.objects.bulk_create(new, batch_size=BATCH_SIZE)
    result.created = len(new)
    return result


DATE_FIELDS = (
    "kind", "title", "description", "year", "month", "day", "end_year", "end_month",
    "end_day", "rule_month", "rule_day", "rule_weekday", "rule_nth", "since",
)  # fmt: skip


def _date_entry_check(*, organisation: Organisation, entry: memorable.MemorableDate, pk=None):
    duplicate = MemorableDate.objects.filter(
        organisation=organisation, kind=entry.kind, title=entry.title.strip()
    ).exclude(pk=pk)
    if duplicate.exists():
        raise ServiceError(_("The calendar already has a date with this title."), field="title")


@transaction.atomic
def memorable_date_create(
    *, organisation: Organisation, actor: User | None, entry: memorable.MemorableDate
) -> MemorableDate:
    _date_entry_check(organisation=organisation, entry=entry)
    date = MemorableDate.objects.create(
        organisation=organisation,
        kind=entry.kind,
        title=entry.title.strip()[:300],
        **_date_columns(entry),
    )
    audit_record(
        action="catalogue.date_created",
        organisation=organisation,
        actor=actor,
        obj=date,
        changes=diff_fields({}, snapshot(date, DATE_FIELDS)),
    )
    return date


@transaction.atomic
def memorable_date_update(
    *, date: MemorableDate, actor: User | None, entry: memorable.MemorableDate
) -> MemorableDate:
    _date_entry_check(organisation=date.organisation, entry=entry, pk=date.pk)
    before = snapshot(date, DATE_FIELDS)
    date.kind, date.title = entry.kind, entry.title.strip()[:300]
    for name, value in _date_columns(entry).items():
        setattr(date, name, value)
    date.save()
    audit_changes(
        action="catalogue.date_changed",
        organisation=date.organisation,
        actor=actor,
        obj=date,
        before=before,
        fields=DATE_FIELDS,
    )
    return date


@transaction.atomic
def memorable_date_delete(*, date: MemorableDate, actor: User | None) -> None:
    audit_record(
        action="catalogue.date_deleted",
        organisation=date.organisation,
        actor=actor,
        obj=date,
        changes=diff_fields(snapshot(date, DATE_FIELDS), {}),
    )
    date.delete()


@transaction.atomic
def memorable_date_load_starter_set(*, organisation: Organisation, actor: User | None) -> int:
    """Give the organisation Vitrina's starter calendar; dates it already has are kept."""
    result = memorable_dates_store(
        organisation=organisation, entries=memorable.load_starter_set(), replace=False
    )
    audit_record(
        action="catalogue.dates_starter_loaded",
        organisation=organisation,
        actor=actor,
        changes={"created": result.created},
    )
    return result.created


@transaction.atomic
def memorable_date_import(
    *, organisation: Organisation, actor: User | None, filename: str, data: bytes
) -> DateImport:
    """Import a calendar from CSV, XLSX or a Wikidata JSON export; known titles are updated."""
    if not data.strip():
        raise ServiceError(_("The file is empty."), field="file")
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix == ".json" or data.lstrip()[:1] in (b"{", b"["):
            parsed = memorable.import_wikidata(data)
        elif suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
            parsed = memorable.import_xlsx(data)
        else:
            parsed = memorable.import_csv(data)
    except (ValueError, KeyError) as error:
        raise ServiceError(
            _("The file could not be read: %(reason)s") % {"reason": error}, field="file"
        ) from error
    result = memorable_dates_store(organisation=organisation, entries=parsed.entries, replace=True)
    result.errors = parsed.errors
    audit_record(
        action="catalogue.dates_imported",
        organisation=organisation,
        actor=actor,
        changes={
            "file": PurePath(filename).name,
            "created": result.created,
            "updated": result.updated,
            "failed": len(result.errors),
        },
    )
    return result
