"""Harvests: records read from a library system (IRBIS64, SRU, Koha) stored as one import."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from vitrina.catalog.marc import Entry
from vitrina.catalog.models import ImportRun, Source
from vitrina.catalog.services._common import run_import
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Organisation, User


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
    return run_import(
        organisation=organisation,
        actor=actor,
        label=label,
        file_format=source,
        source=source,
        entries=entries,
    )
