"""Thin Celery tasks: they take ids and call the engine."""

import logging

from celery import Task
from django.db import close_old_connections

from vitrina.celery import app

logger = logging.getLogger(__name__)


class VitrinaTask(Task):
    """Acknowledged only when done, given back if the worker dies, with fresh connections.

    Redelivery never publishes twice: the engine runs a variant only under its own claim.
    """

    acks_late = True
    reject_on_worker_lost = True

    # Run eagerly (no broker), a task shares its caller's connection: leave it open.

    def before_start(self, task_id, args, kwargs):
        if not self.request.is_eager:
            close_old_connections()

    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        if not self.request.is_eager:
            close_old_connections()


@app.task(base=VitrinaTask, name="vitrina.publish_variants", ignore_result=True)
def publish_variants_task(claims: list[tuple[int, str]]) -> None:
    """Several claims in one message: each is a different channel, so running them one
    after another delays none of them noticeably and saves a queue round trip per post."""
    from vitrina.publishing.engine import publish_variant
    from vitrina.publishing.scheduler import scheduler_name

    worker = scheduler_name()
    for variant_id, claim in claims:
        try:
            publish_variant(variant_id, claim, worker=worker)
        except Exception:
            # The others still go out; this claim comes back after its lease.
            logger.exception("Publishing variant %s failed", variant_id)
        finally:
            close_old_connections()
