"""Thin Celery tasks of the catalogue: they take ids and call services."""

from vitrina.catalog.services.imports import record_import_run
from vitrina.celery import app
from vitrina.core.tasks import VitrinaTask


# A redelivered import finds its run no longer queued and does nothing.
@app.task(base=VitrinaTask, name="vitrina.catalogue_import", ignore_result=True)
def record_import_task(run_id: int) -> None:
    record_import_run(run_id=run_id)
