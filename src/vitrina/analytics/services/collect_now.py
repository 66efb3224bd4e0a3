"""«Собрать сейчас»: a person asks for a channel's (or the organisation's) figures now,
rather than at the next round, through the same collection as the rounds.

Each channel is asked at most once every ``VITRINA_COLLECT_NOW_MINUTES``: the networks'
request limits are shared with the rounds and with publishing, and a second click changes
nothing a minute later. The limit lives in the cache (Redis in production), so every web
process sees it. Without workers (embedded) the channels are read at once and the outcome
is told; with workers each channel is a task of the same queue the rounds use.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from vitrina.analytics.collect import Collected, collect_and_record
from vitrina.channels.models import Channel
from vitrina.core.audit import audit_record
from vitrina.core.models import Organisation, User

# Without workers the channels are read during the request: this many at most, the least
# recently collected first, so that the page answers within a web server's timeout; the
# rest are left to the next round (and said so).
INLINE_CHANNELS = 5


@dataclass
class CollectNow:
    read: list[tuple[Channel, Collected]] = field(default_factory=list)  # read at once
    queued: list[Channel] = field(default_factory=list)  # handed to the workers
    too_soon: list[tuple[Channel, datetime]] = field(default_factory=list)  # asked at
    left: list[Channel] = field(default_factory=list)  # for the next round


def _key(channel: Channel) -> str:
    return f"collect-now:channel:{channel.pk}"


def _last_collected(channel: Channel) -> datetime:
    outcome = getattr(channel, "collection", None)
    return outcome.collected_at if outcome is not None else datetime.min.replace(tzinfo=UTC)


def collect_now_wait() -> timedelta:
    return timedelta(minutes=settings.COLLECT_NOW_MINUTES)


def next_allowed(asked_at: datetime) -> datetime:
    return asked_at + collect_now_wait()


def collect_now(
    *,
    organisation: Organisation,
    actor: User,
    channels: list[Channel],
    ip_address: str | None = None,
) -> CollectNow:
    """Collects the channels now, each unless it was asked for within the wait."""
    outcome = CollectNow()
    now = timezone.now()
    timeout = max(1, int(collect_now_wait().total_seconds()))
    inline = not settings.CELERY_BROKER_URL  # no workers: read here, and tell how it went
    if inline and len(channels) > INLINE_CHANNELS:
        channels = sorted(channels, key=_last_collected)
        channels, outcome.left = channels[:INLINE_CHANNELS], channels[INLINE_CHANNELS:]
    taken = []
    for channel in channels:
        # add() is atomic: of two clicks at once, one takes the channel.
        if cache.add(_key(channel), now.timestamp(), timeout=timeout):
            taken.append(channel)
        else:
            asked = cache.get(_key(channel))
            asked_at = datetime.fromtimestamp(asked, tz=now.tzinfo) if asked else now
            outcome.too_soon.append((channel, asked_at))
    if not taken:
        return outcome
    audit_record(
        action="analytics.collect_now",
        organisation=organisation,
        actor=actor,
        obj=taken[0] if len(taken) == 1 else None,
        changes={"channels": [None, [channel.pk for channel in taken]]},
        ip_address=ip_address,
    )
    if inline:
        outcome.read = [(channel, collect_and_record(channel, now=now)) for channel in taken]
        return outcome
    # Queueing is the one way this write hands work to the workers (see pyproject's
    # import contracts): the task runs ``collect_and_record`` for the channel.
    from vitrina.analytics.tasks import collect_channel_stats_task

    for channel in taken:
        collect_channel_stats_task.delay(channel.pk)
    outcome.queued = taken
    return outcome
