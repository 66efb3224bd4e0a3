"""Publishing's periodic job: sweep stale claims, claim what is due, hand it out.

Registered as "publishing.dispatch" (``PublishingConfig.ready``) and run inline in every
scheduler's tick (``VITRINA_SCHEDULER_INTERVAL_SECONDS``): it is short, and safe on several
schedulers at once because claims are conditional updates (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL). Embedded, the claims go to a pool of threads the scheduler owns; in queue mode
to the Celery workers (``vitrina worker``).

The heartbeat stays publishing's and is written here, after a round of claims: the notice
«Публикации не уходят» speaks of due posts going out, so it must follow this job — a
scheduler that runs, but not this job (switched off, restricted to other jobs, or failing
on every tick), must not hide that nothing is published.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

from vitrina.core.periodic import JobContext
from vitrina.publishing.dispatcher import claim_due, in_flight, sweep_stale
from vitrina.publishing.engine import publish_variant
from vitrina.publishing.models import SchedulerHeartbeat
from vitrina.publishing.tasks import publish_variants_task

logger = logging.getLogger(__name__)

Claims = list[tuple[int, str]]


def dispatch(context: JobContext, hand_out: Callable[[Claims], None]) -> int:
    """One round; returns how many variants were handed out."""
    now = context.now
    swept = sweep_stale(now=now)
    if swept:
        logger.warning("Gave back %s stale publishing claims", swept)
    handed = 0
    while True:
        # Hand out no more than the workers can start within a lease: a claim that waits
        # longer is swept and handed out again, which is safe but wasted work.
        room = settings.PUBLISH_MAX_IN_FLIGHT - in_flight()
        limit = min(settings.PUBLISH_BATCH, room)
        if limit <= 0:
            break
        claimed = claim_due(now=now, limit=limit, claimer=context.scheduler)
        hand_out(claimed)
        handed += len(claimed)
        if len(claimed) < limit:
            break
    SchedulerHeartbeat.objects.update_or_create(name=context.scheduler, defaults={"seen_at": now})
    return handed


def dispatch_here(context: JobContext) -> int:
    """Embedded: the claims are published by the scheduler's own pool of threads."""
    pool = context.pool("publish", settings.EMBEDDED_PUBLISH_THREADS)

    def hand_out(claimed: Claims) -> None:
        for variant_id, claim in claimed:
            pool.submit(_run_in_thread, variant_id, claim, context.scheduler)

    return dispatch(context, hand_out)


def dispatch_to_workers(context: JobContext) -> int:
    """Queue mode: the claims go to the workers, several to a message."""

    def hand_out(claimed: Claims) -> None:
        size = settings.PUBLISH_TASK_BATCH
        for start in range(0, len(claimed), size):
            publish_variants_task.delay(claimed[start : start + size])

    return dispatch(context, hand_out)


def _run_in_thread(variant_id: int, claim: str, worker: str) -> None:
    try:
        publish_variant(variant_id, claim, worker=worker)
    except Exception:
        logger.exception("Publishing variant %s failed", variant_id)
    finally:
        close_old_connections()
