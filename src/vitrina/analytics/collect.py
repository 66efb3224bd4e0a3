"""Collectors: read a channel's figures from its network and store them as snapshots.

Each collector takes one channel and says what happened in a ``Collected`` result, so the
command, the Celery task and the dashboard speak of the same outcome. A rate-limited channel
is left for the next round (the shared limiter decides); a refused token marks the channel
for reconnecting and it is skipped until someone reconnects it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, F, Max, Min, Q
from django.utils import timezone

from vitrina.analytics.models import AccountSnapshot, ChannelCollection, PostLatest
from vitrina.analytics.schedule import post_is_due
from vitrina.analytics.services.registry import channel_registry_refresh
from vitrina.analytics.services.snapshots import (
    AccountFigures,
    PostFigures,
    account_snapshots_save,
    post_snapshots_save,
    post_texts_save,
)
from vitrina.analytics.walls import YEAR, discovery_since, recent_wall_posts
from vitrina.channels.connect import channel_needs_reconnect, provider_account
from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState
from vitrina.channels.providers.errors import AuthExpired, ProviderError, RateLimited, Rejected
from vitrina.channels.providers.registry import connectable_networks, get_provider
from vitrina.content.models import Variant

# The first collection reaches this far back, and so does a catch-up after a long pause:
# networks give zeros for days before an account existed or was connected, and a stored zero
# would pass for a figure.
FIRST_DAYS = 30
# The last days are read again: networks settle a day's figures late.
REREAD_DAYS = 2


UNREAD = ExpressionWrapper(
    Q(views=None, likes=None, reposts=None, comments=None, reach=None),
    output_field=BooleanField(),
)


@dataclass
class Collected:
    channel_id: int
    days: int = 0
    posts: int = 0
    skipped: str = ""  # why nothing (or not everything) was read
    retry_after: float | None = None
    notes: list[str] = field(default_factory=list)


def collectable_channels():
    return Channel.objects.filter(
        archived_at__isnull=True,
        network__in=connectable_networks(),
        connection_state=ConnectionState.CONNECTED,
    ).select_related("organisation")


def _days_to_read(channel: Channel, today: date) -> date:
    earliest = today - timedelta(days=FIRST_DAYS - 1)
    last = AccountSnapshot.objects.filter(channel=channel, source="network").aggregate(
        last=Max("day")
    )["last"]
    if last is None:
        return earliest
    return max(earliest, min(last - timedelta(days=REREAD_DAYS - 1), today))


def collect_account(channel: Channel, *, now: datetime | None = None) -> Collected:
    now = now or timezone.now()
    result = Collected(channel.pk)
    provider = get_provider(channel.network)
    if not provider.limits.account_stats:
        result.skipped = "no_account_stats"
        return result
    today = timezone.localdate(now)
    day_from = _days_to_read(channel, today)
    days = _guarded(
        channel,
        result,
        lambda: provider.fetch_account_stats(provider_account(channel), day_from, today),
    )
    if days is None:
        return result
    figures = [
        AccountFigures(
            day=item.day,
            followers=item.followers,
            joined=item.subscribed,
            left=item.unsubscribed,
            visitors=item.visitors,
            views=item.views,
            reach=item.reach,
        )
        for item in days
    ]
    result.days = account_snapshots_save(channel=channel, figures=figures)
    return result


def due_posts(
    channel: Channel, now: datetime, found: dict[str, datetime] | None = None
) -> dict[str, datetime]:
    """External ids of the channel's posts whose figures are due, with their publication
    time: Vitrina's published variants, posts collected earlier from the network and the
    ``found`` ones just read from its wall."""
    year_ago = now - timedelta(days=365)
    published = dict(found or {})
    published.update(
        Variant.objects.filter(channel=channel, published_at__gte=year_ago)
        .exclude(external_id="")
        .values_list("external_id", "published_at")
    )
    known = PostLatest.objects.filter(channel=channel, published_at__gte=year_ago).values(
        "external_id", published=F("published_at"), last=F("taken_at"), unread=UNREAD
    )
    last_taken = {}
    for row in known:
        published.setdefault(row["external_id"], row["published"])
        # A post entered at its publication with nothing read yet is due at once.
        last_taken[row["external_id"]] = None if row["unread"] else row["last"]
    return {
        external_id: published_at
        for external_id, published_at in published.items()
        if post_is_due(published_at, last_taken.get(external_id), now)
    }


def collect_posts(channel: Channel, *, now: datetime | None = None) -> Collected:
    now = now or timezone.now()
    result = Collected(channel.pk)
    provider = get_provider(channel.network)
    if not provider.limits.post_stats:
        result.skipped = "no_post_stats"
        return result
    account = _guarded(channel, result, lambda: provider_account(channel))
    if account is None:
        return result
    last_full = (
        ChannelCollection.objects.filter(channel=channel, skipped="")
        .values_list("collected_at", flat=True)
        .first()
    )
    since = discovery_since(now, last_full)
    # Posts made on the network whose text was never read (collected before texts were
    # kept) are looked for again once, so that they are named by their words.
    unnamed = PostLatest.objects.filter(
        channel=channel, variant=None, text=None, published_at__gte=now - YEAR
    ).aggregate(first=Min("published_at"))["first"]
    if unnamed is not None:
        since = min(since, unnamed)
    wall = _guarded(channel, result, lambda: recent_wall_posts(provider, account, since))
    if wall is None and result.skipped in ("needs_reconnect", "rate_limited"):
        return result
    found = {post.external_id: post.published_at for post in wall or ()}
    due = due_posts(channel, now, found)
    stats = None
    if due:
        stats = _guarded(channel, result, lambda: provider.fetch_post_stats(account, sorted(due)))
    if stats:
        figures = [
            PostFigures(
                external_id=item.external_id,
                taken_at=now,
                views=item.views,
                likes=item.likes,
                reposts=item.reposts,
                comments=item.comments,
                reach=item.reach,
                published_at=due.get(item.external_id),
            )
            for item in stats
        ]
        result.posts = post_snapshots_save(channel=channel, figures=figures)
    if wall is not None and provider.limits.reads_posts:
        _name_posts(channel, wall, since)
    return result


def _name_posts(channel: Channel, wall: list, since: datetime) -> None:
    """The wall's posts keep their first words; a post made on the network that the wall,
    read back to ``since``, no longer shows (deleted there) is known to have none."""
    post_texts_save(channel=channel, texts={post.external_id: post.text for post in wall})
    PostLatest.objects.filter(
        channel=channel, variant=None, text=None, published_at__gte=since
    ).update(text="")


def collect_channel(channel: Channel, *, now: datetime | None = None) -> Collected:
    now = now or timezone.now()
    account = collect_account(channel, now=now)
    if account.skipped in ("needs_reconnect", "rate_limited"):
        return account
    posts = collect_posts(channel, now=now)
    account.posts = posts.posts
    account.retry_after = posts.retry_after
    account.notes += posts.notes
    if posts.skipped in ("needs_reconnect", "rate_limited") or not account.skipped:
        account.skipped = posts.skipped
    return account


def collect_and_record(channel: Channel, *, now: datetime | None = None) -> Collected:
    """Collects, refreshes the registry and keeps the outcome for the dashboard: what the
    command, the workers' task and the embedded round all do for one channel."""
    now = now or timezone.now()
    result = collect_channel(channel, now=now)
    channel_registry_refresh(channel=channel)
    ChannelCollection.objects.update_or_create(
        channel=channel,
        defaults={
            "collected_at": now,
            "skipped": result.skipped,
            "note": "; ".join(result.notes)[:500],
        },
    )
    return result


def _guarded(channel: Channel, result: Collected, call):
    try:
        return call()
    except RateLimited as exc:
        result.skipped, result.retry_after = "rate_limited", exc.retry_after
    except AuthExpired as exc:
        result.skipped = "needs_reconnect"
        channel_needs_reconnect(channel=channel, reason=exc.message)
    except Rejected as exc:
        result.skipped = "rejected"
        result.notes.append(exc.message)
    except ProviderError as exc:
        result.skipped = "failed"
        result.notes.append(exc.message)
    return None
