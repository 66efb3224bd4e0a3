"""Thin Celery tasks: they take ids and call the engine."""

import logging

from django.db import close_old_connections

from vitrina.celery import app
from vitrina.core.periodic import process_name
from vitrina.core.tasks import VitrinaTask
from vitrina.publishing.engine import publish_variant

logger = logging.getLogger(__name__)


# Redelivery never publishes twice: the engine runs a variant only under its own claim.
@app.task(base=VitrinaTask, name="vitrina.publish_variants", ignore_result=True)
def publish_variants_task(claims: list[tuple[int, str]]) -> None:
    """Several claims in one message: each is a different channel, so running them one
    after another delays none of them noticeably and saves a queue round trip per post."""
    worker = process_name()
    for variant_id, claim in claims:
        try:
            publish_variant(variant_id, claim, worker=worker)
        except Exception:
            # The others still go out; this claim comes back after its lease.
            logger.exception("Publishing variant %s failed", variant_id)
        finally:
            close_old_connections()
