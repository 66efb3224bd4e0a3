"""Fills the channels registry (posts a week, subscribers, visits) from the snapshots,
through the channels' own service (audited).

The figures describe the year that ends on the channel's latest snapshot, as the registry
table of an annual report does; a channel without snapshots keeps what was entered by hand.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Max, Sum

from vitrina.analytics.models import AccountSnapshot, PostLatest
from vitrina.channels.models import Channel
from vitrina.channels.services import channel_figures_set
from vitrina.content.models import Variant
from vitrina.core.models import User

WEEKS_A_YEAR = Decimal(365) / 7


def channel_registry_refresh(*, channel: Channel, actor: User | None = None) -> bool:
    last_day = AccountSnapshot.objects.filter(channel=channel).aggregate(last=Max("day"))["last"]
    if last_day is None:
        return False
    start = year_before(last_day)
    latest = (
        AccountSnapshot.objects.filter(channel=channel, followers__isnull=False)
        .order_by("-day")
        .values_list("followers", flat=True)
        .first()
    )
    visits = AccountSnapshot.objects.filter(
        channel=channel, day__gte=start, day__lte=last_day
    ).aggregate(total=Sum("visitors"))["total"]
    posts = year_posts(channel, start, last_day)
    channel_figures_set(
        channel=channel,
        subscribers=latest if latest is not None else channel.subscribers,
        visits=visits if visits is not None else channel.visits,
        posts_per_week=(Decimal(posts) / WEEKS_A_YEAR).quantize(Decimal("0.1")),
        actor=actor,
    )
    return True


def year_before(day):
    """The first day of the year that ends on ``day``: 31.12.2020 → 01.01.2020."""
    try:
        return day.replace(year=day.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28) + timedelta(days=2)


def year_posts(channel: Channel, start, end) -> int:
    """Posts of the channel in the days: Vitrina's variants plus posts made elsewhere."""
    ids = set(
        Variant.objects.filter(
            channel=channel, published_at__date__gte=start, published_at__date__lte=end
        )
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    ids |= set(
        PostLatest.objects.filter(
            channel=channel, published_at__date__gte=start, published_at__date__lte=end
        ).values_list("external_id", flat=True)
    )
    published_without_id = Variant.objects.filter(
        channel=channel,
        external_id="",
        published_at__date__gte=start,
        published_at__date__lte=end,
    ).count()
    return len(ids) + published_without_id


def registry_refresh_all(channels=None) -> int:
    channels = channels if channels is not None else Channel.objects.filter(archived_at=None)
    return sum(channel_registry_refresh(channel=channel) for channel in channels)
