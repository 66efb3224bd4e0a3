"""Writes of the calendar of memorable dates: one date, imports and the starter set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.catalog import memorable
from vitrina.catalog.models import MemorableDate
from vitrina.catalog.services.records import BATCH_SIZE
from vitrina.core.audit import audit_changes, audit_record, diff_fields, snapshot
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Organisation, User


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
