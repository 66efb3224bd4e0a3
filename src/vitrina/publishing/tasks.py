"""Thin Celery tasks: they take ids and call the engine."""

from celery import Task
from django.db import close_old_connections

from vitrina.celery import app


class VitrinaTask(Task):
    """Acknowledged only when done, given back if the worker dies, with fresh connections.

    Redelivery never publishes twice: the engine runs a variant only under its own claim.
    """

    acks_late = True
    reject_on_worker_lost = True

    def before_start(self, task_id, args, kwargs):
        close_old_connections()

    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        close_old_connections()


@app.task(base=VitrinaTask, name="vitrina.publish_variant", ignore_result=True)
def publish_variant_task(variant_id: int, claim: str) -> str:
    from vitrina.publishing.engine import publish_variant
    from vitrina.publishing.scheduler import scheduler_name

    return publish_variant(variant_id, claim, worker=scheduler_name())
