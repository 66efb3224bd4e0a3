"""Polling the networks for readers' events: the periodic job "inbox.poll".

Every ``VITRINA_INBOX_POLL_SECONDS`` one scheduler of the deployment takes the round and
either polls every pollable channel in a thread of its own (embedded, ``vitrina demo``) or
hands one task per channel to the workers. ``vitrina inbox_poll --once`` runs one round
by hand.
"""

import logging

from vitrina.core.periodic import JobContext
from vitrina.inbox.polling import inbox_poll_all, pollable_channels
from vitrina.inbox.tasks import inbox_poll_channel_task

logger = logging.getLogger(__name__)

JOB = "inbox.poll"


def poll_round(context: JobContext | None = None) -> dict[int, int]:
    """One round over every pollable channel: new events by channel id, -1 where it failed."""
    results = inbox_poll_all()
    stored = sum(count for count in results.values() if count > 0)
    if stored:
        logger.info("inbox: %s new events from %s channels", stored, len(results))
    return results


def poll_hand_out(context: JobContext) -> int:
    """Queue mode: one task per pollable channel; returns how many were handed out."""
    ids = list(pollable_channels().values_list("pk", flat=True))
    for channel_id in ids:
        inbox_poll_channel_task.delay(channel_id)
    return len(ids)
