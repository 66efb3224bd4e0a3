"""Rounds of collection, started by the scheduler loop itself.

Every scheduler of a deployment tries to start a round; the database decides which one
does: a conditional UPDATE of one row succeeds for a single scheduler per interval, on
SQLite and PostgreSQL alike, so a round never starts twice however many schedulers run.
"""

from datetime import datetime, timedelta

from django.db.models import Q

from vitrina.analytics.models import CollectionRound

ROUND = "collect"


def round_start(*, now: datetime, by: str, every: timedelta) -> bool:
    """Takes the round if none started within ``every``; True for the one that takes it."""
    for _attempt in range(2):
        taken = (
            CollectionRound.objects.filter(name=ROUND)
            .filter(Q(started_at__isnull=True) | Q(started_at__lte=now - every))
            .update(started_at=now, started_by=by[:200])
        )
        if taken:
            return True
        if CollectionRound.objects.filter(name=ROUND).exists():
            return False
        # The first round ever: make the row (another scheduler may make it at once).
        CollectionRound.objects.bulk_create([CollectionRound(name=ROUND)], ignore_conflicts=True)
    return False


def last_round() -> CollectionRound | None:
    return CollectionRound.objects.filter(name=ROUND, started_at__isnull=False).first()


def run_round() -> int:
    """The embedded way: every collectable channel in turn, in the caller's thread."""
    from vitrina.analytics.collect import collect_and_record, collectable_channels

    count = 0
    for channel in collectable_channels():
        collect_and_record(channel)
        count += 1
    return count
