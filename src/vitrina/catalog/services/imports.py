"""Imports of files into the catalogue: MARC21/RUSMARC, CSV and XLSX, at once or queued."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.catalog import file_kinds, tabular
from vitrina.catalog.marc import ENCODINGS, FLAVOURS, Entry, read_marc
from vitrina.catalog.models import ColumnMapping, ImportRun, Source
from vitrina.catalog.services._common import run_import
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Organisation, User

MARC_FORMAT = "marc"
CSV_FORMAT = "csv"
XLSX_FORMAT = "xlsx"


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


def _check_import(
    *, data: bytes, file_format: str, encoding: str | None, flavour: str | None
) -> None:
    """Refuse wrong options and a file that is not of its kind before any record is read."""
    if encoding and encoding not in ENCODINGS:
        raise ServiceError(_("Choose UTF-8, cp1251 or cp866."), field="encoding")
    if flavour and flavour not in FLAVOURS:
        raise ServiceError(_("Choose MARC21 or RUSMARC."), field="flavour")
    if not data.strip():
        raise ServiceError(_("The file is empty."), field="file")
    if file_format == XLSX_FORMAT:
        file_kinds.check_xlsx(data)
    elif file_format == CSV_FORMAT:
        file_kinds.check_csv(data, encoding)
    else:
        file_kinds.check_marc(data)


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
    # The tasks module imports the services; this one needs the task only to queue it.
    from vitrina.catalog.tasks import record_import_task

    file_format = detect_format(filename, data)
    _check_import(data=data, file_format=file_format, encoding=encoding, flavour=flavour)
    run = ImportRun(
        organisation=organisation,
        started_by=actor if actor is not None and actor.is_authenticated else None,
        filename=PurePath(filename).name[:300],
        file_format=file_format,
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
            run_import(
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
    file_format = detect_format(filename, data)
    _check_import(data=data, file_format=file_format, encoding=encoding, flavour=flavour)
    return run_import(
        organisation=organisation,
        actor=actor,
        label=filename,
        file_format=file_format,
        source=Source.FILE,
        entries=_entries(file_format, data, encoding, flavour, organisation),
        encoding=encoding or "",
        received_on=received_on,
    )
