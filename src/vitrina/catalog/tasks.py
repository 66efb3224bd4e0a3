"""Thin Celery tasks of the catalogue: they take ids and call services."""

from celery import Task
from django.db import close_old_connections

from vitrina.celery import app


class CatalogueTask(Task):
    """Acknowledged when done; a redelivered import finds its run no longer queued.

    A worker refreshes stale database connections around each task; run eagerly (no
    broker) the task shares the web request's connection, which must stay open.
    """

    acks_late = True
    reject_on_worker_lost = True

    def before_start(self, task_id, args, kwargs):
        if not self.request.is_eager:
            close_old_connections()

    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        if not self.request.is_eager:
            close_old_connections()


@app.task(base=CatalogueTask, name="vitrina.catalogue_import", ignore_result=True)
def record_import_task(run_id: int) -> None:
    from vitrina.catalog.services.imports import record_import_run

    record_import_run(run_id=run_id)
