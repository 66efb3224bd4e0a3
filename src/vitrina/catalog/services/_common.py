"""What imports and harvests share: storing read entries as one run with its report."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from pathlib import PurePath

from django.utils import timezone

from vitrina.catalog.marc import Entry
from vitrina.catalog.models import ImportRun, Source
from vitrina.catalog.services.records import records_store
from vitrina.core.audit import audit_record
from vitrina.core.models import Organisation, User


def run_import(
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
