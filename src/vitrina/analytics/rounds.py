"""Rounds of collection: the periodic job "analytics.collect".

Every ``VITRINA_COLLECT_INTERVAL_MINUTES`` one scheduler of the deployment takes the round
(``core.periodic.job_run_claim``: a conditional UPDATE of one row, so a round never starts
twice however many schedulers run) and either reads every collectable channel in a thread
of its own (embedded) or hands one task per channel to the workers.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import QuerySet

from vitrina.analytics.collect import Collected, collect_and_record, collectable_channels
from vitrina.analytics.tasks import collect_stats_task
from vitrina.channels.models import Channel
from vitrina.core.models import JobRun
from vitrina.core.periodic import JobContext, job_last_run, job_run_claim

ROUND = "analytics.collect"


def round_start(*, now: datetime, by: str, every: timedelta) -> bool:
    """Takes the round if none started within ``every``; True for the one that takes it."""
    return job_run_claim(name=ROUND, now=now, by=by, every=every)


def last_round() -> JobRun | None:
    return job_last_run(ROUND)


def round_collect(
    *, channels: QuerySet[Channel] | None = None, context: JobContext | None = None
) -> Iterator[tuple[Channel, Collected]]:
    """Every collectable channel (or those given) in turn, in the caller's thread.

    A scheduler that stops ends the round between two channels; the next round reads what
    this one left, since each reads only what is due.
    """
    for channel in collectable_channels() if channels is None else channels:
        if context is not None and context.stopping.is_set():
            return
        yield channel, collect_and_record(channel)


def round_run(context: JobContext) -> int:
    """The embedded way: the round in the scheduler's process; returns the channels read."""
    return sum(1 for _read in round_collect(context=context))


def round_hand_out(context: JobContext) -> None:
    """Queue mode: the workers read the channels, one task each."""
    collect_stats_task.delay()
