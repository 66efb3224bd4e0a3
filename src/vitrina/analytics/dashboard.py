"""The analytics dashboard's figures for an organisation, a library, a channel, a rubric or
a series over any period, beside the previous period of the same length.

Every block is one aggregate query whatever the number of channels or posts, so the page
costs the same for a library with one channel and a region with hundreds.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractHour, ExtractIsoWeekDay, TruncWeek
from django.utils.translation import gettext_lazy as _

from vitrina.analytics.metrics import engagement, percent
from vitrina.analytics.models import AccountSnapshot, PostLatest
from vitrina.analytics.report import published_between
from vitrina.analytics.rounds import last_round
from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState, Network
from vitrina.content.models import PostMedia, Rubric
from vitrina.core.models import Membership
from vitrina.core.rules import limited_library_ids

TOP_POSTS = 10
# Why a connected channel's figures were not (all) read in its latest collection; the
# channels that need reconnecting have their own notice.
SKIPPED = {
    "rate_limited": _("the network's request limit was reached; read again next round"),
    "rejected": _("the network refused"),
    "failed": _("the network did not answer"),
}


@dataclass
class Scope:
    date_from: date
    date_to: date
    library_id: int | None = None
    channel_id: int | None = None
    rubric_id: int | None = None
    series_id: int | None = None
    growth_from: date | None = None
    growth_to: date | None = None
    zone: ZoneInfo | None = None

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        end = self.date_from - timedelta(days=1)
        return end - timedelta(days=self.days - 1), end


@dataclass
class Dashboard:
    scope: Scope
    channels: list = field(default_factory=list)
    current: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)
    growth: dict = field(default_factory=dict)
    daily: list = field(default_factory=list)
    weekly: list = field(default_factory=list)
    top_posts: list = field(default_factory=list)
    rubrics: list = field(default_factory=list)
    series: list = field(default_factory=list)
    formats: list = field(default_factory=list)
    heatmap: dict = field(default_factory=dict)
    libraries: list = field(default_factory=list)
    needs_reconnect: list = field(default_factory=list)
    last_round: object = None
    skipped: list = field(default_factory=list)  # (channel, why, its ChannelCollection)


def scoped_channels(membership: Membership, scope: Scope):
    channels = Channel.objects.filter(organisation=membership.organisation, archived_at=None)
    limited = limited_library_ids(membership)
    if limited is not None:
        channels = channels.filter(library_id__in=limited)
    if scope.library_id:
        channels = channels.filter(library_id=scope.library_id)
    if scope.channel_id:
        channels = channels.filter(pk=scope.channel_id)
    return channels


def _followers_on(day: date):
    return Subquery(
        AccountSnapshot.objects.filter(
            channel=OuterRef("pk"), day__lte=day, followers__isnull=False
        )
        .order_by("-day")
        .values("followers")[:1]
    )


def _posts(channels, scope: Scope, date_from: date, date_to: date):
    """The latest figures of each post published in the days, within the scope."""
    posts = PostLatest.objects.filter(
        channel__in=channels, **published_between(date_from, date_to, scope.zone)
    )
    if scope.rubric_id:
        posts = posts.filter(variant__post__rubric=scope.rubric_id)
    if scope.series_id:
        posts = posts.filter(variant__post__series=scope.series_id)
    return posts


def _reactions():
    return Coalesce(F("likes"), 0) + Coalesce(F("reposts"), 0) + Coalesce(F("comments"), 0)


def _totals(posts) -> dict:
    sums = posts.aggregate(
        total_posts=Count("id"),
        total_views=Coalesce(Sum("views"), 0),
        total_likes=Coalesce(Sum("likes"), 0),
        total_reposts=Coalesce(Sum("reposts"), 0),
        total_comments=Coalesce(Sum("comments"), 0),
        total_reach=Coalesce(Sum("reach"), 0),
        erv_mean=Avg(
            Case(
                When(views__gt=0, then=Cast(_reactions(), FloatField()) / F("views")),
                output_field=FloatField(),
            )
        ),
    )
    totals = {key.removeprefix("total_"): value for key, value in sums.items()}
    totals["reactions"] = totals["likes"] + totals["reposts"] + totals["comments"]
    return totals


def _account(channels, date_from: date, date_to: date, days: int) -> dict:
    figures = AccountSnapshot.objects.filter(
        channel__in=channels, day__gte=date_from, day__lte=date_to
    ).aggregate(
        visitors=Coalesce(Sum("visitors"), 0),
        joined=Coalesce(Sum("joined"), 0),
        left=Coalesce(Sum("left"), 0),
    )
    figures["visitors_per_day"] = round(figures["visitors"] / days, 1) if days else None
    return figures


def build_dashboard(membership: Membership, scope: Scope) -> Dashboard:
    zone = ZoneInfo(membership.organisation.timezone)
    scope.zone = scope.zone or zone
    board = Dashboard(scope=scope)
    channels = scoped_channels(membership, scope)
    prev_from, prev_to = scope.previous
    growth_from = scope.growth_from or scope.date_from
    growth_to = scope.growth_to or scope.date_to
    rows = list(
        channels.select_related("library", "collection")
        .annotate(
            followers_end=_followers_on(scope.date_to),
            followers_start=_followers_on(scope.date_from - timedelta(days=1)),
            followers_prev_start=_followers_on(prev_from - timedelta(days=1)),
            followers_growth_from=_followers_on(growth_from),
            followers_growth_to=_followers_on(growth_to),
        )
        .order_by("library__name", "network", "name")
    )
    board.channels = rows
    board.needs_reconnect = [
        c for c in rows if c.connection_state == ConnectionState.NEEDS_RECONNECT
    ]
    board.last_round = last_round()
    for channel in rows:
        outcome = getattr(channel, "collection", None)
        if outcome is None or outcome.skipped not in SKIPPED or channel in board.needs_reconnect:
            continue
        board.skipped.append((channel, SKIPPED[outcome.skipped], outcome))
    ids = [channel.pk for channel in rows]

    def subscribers(attr):
        values = [getattr(c, attr) for c in rows if getattr(c, attr) is not None]
        return sum(values) if values else None

    end, start, prev_start = (
        subscribers("followers_end"),
        subscribers("followers_start"),
        subscribers("followers_prev_start"),
    )
    periods = (
        (board.current, scope.date_from, scope.date_to, start, end),
        (board.previous, prev_from, prev_to, prev_start, start),
    )
    for target, day_from, day_to, first, last in periods:
        totals = _totals(_posts(ids, scope, day_from, day_to))
        account = _account(ids, day_from, day_to, scope.days)
        mean = _mean(first, last)
        target.update(totals, **account, subscribers=last, subscribers_mean=mean)
        target["growth"] = last - first if first is not None and last is not None else None
        target.update(
            engagement(
                reactions=totals["reactions"],
                likes=totals["likes"],
                comments=totals["comments"],
                reposts=totals["reposts"],
                posts=totals["posts"],
                subscribers=mean,
                reach=totals["reach"],
                erv_mean=totals["erv_mean"],
            )
        )
    telegram = [c.pk for c in rows if c.network == Network.TELEGRAM]
    if telegram:
        views = _posts(telegram, scope, scope.date_from, scope.date_to).aggregate(
            mean=Avg("views")
        )["mean"]
        tg_subscribers = sum(c.followers_end or 0 for c in rows if c.pk in telegram)
        board.current["subscriber_reach"] = percent(views, tg_subscribers)

    g_from, g_to = subscribers("followers_growth_from"), subscribers("followers_growth_to")
    board.growth = {
        "from": growth_from,
        "to": growth_to,
        "followers_from": g_from,
        "followers_to": g_to,
        "factor": round(g_to / g_from, 1) if g_from and g_to is not None else None,
    }

    posts = _posts(ids, scope, scope.date_from, scope.date_to)
    board.daily = list(
        AccountSnapshot.objects.filter(
            channel__in=ids, day__gte=scope.date_from, day__lte=scope.date_to
        )
        .values("day")
        .annotate(followers=Sum("followers"), visitors=Sum("visitors"))
        .order_by("day")
    )
    board.weekly = list(
        posts.annotate(week=TruncWeek("published_at", tzinfo=zone))
        .values("week")
        .annotate(posts=Count("id"), views=Coalesce(Sum("views"), 0))
        .order_by("week")
    )
    board.top_posts = list(
        posts.annotate(reactions=_reactions())
        .select_related("channel", "variant__post")
        .order_by(F("views").desc(nulls_last=True))[:TOP_POSTS]
    )
    weeks = scope.days / 7
    targets = {
        rubric.pk: rubric
        for rubric in Rubric.objects.filter(organisation=membership.organisation, archived_at=None)
    }
    by_rubric = {
        row["variant__post__rubric"]: row
        for row in _breakdown(posts, "variant__post__rubric")
        if row["variant__post__rubric"]
    }
    board.rubrics = [
        {
            "rubric": rubric,
            "posts": by_rubric.get(pk, {}).get("posts", 0),
            "per_week": round(by_rubric.get(pk, {}).get("posts", 0) / weeks, 1),
            "target": rubric.target_per_week,
            "views": by_rubric.get(pk, {}).get("avg_views"),
            "erv": by_rubric.get(pk, {}).get("erv"),
            "behind": rubric.target_per_week is not None
            and by_rubric.get(pk, {}).get("posts", 0) / weeks < float(rubric.target_per_week),
        }
        for pk, rubric in targets.items()
    ]
    board.series = [
        row
        for row in _breakdown(posts, "variant__post__series__name")
        if row["variant__post__series__name"]
    ]
    media = PostMedia.objects.filter(post=OuterRef("variant__post"))
    board.formats = _breakdown(
        posts.annotate(
            format=Case(
                When(~Q(variant__post__poll_question=""), then=Value("poll")),
                When(Exists(media), then=Value("photo")),
                When(variant__isnull=True, then=Value("outside")),
                default=Value("text"),
            )
        ),
        "format",
    )
    cells = (
        posts.annotate(
            weekday=ExtractIsoWeekDay("published_at", tzinfo=zone),
            hour=ExtractHour("published_at", tzinfo=zone),
        )
        .values("weekday", "hour")
        .annotate(posts=Count("id"), avg_views=Avg("views"))
    )
    board.heatmap = _heatmap(cells)
    board.libraries = _libraries(rows, posts)
    return board


def _mean(first, last):
    values = [value for value in (first, last) if value is not None]
    return sum(values) / len(values) if values else None


def _breakdown(posts, key: str) -> list[dict]:
    return list(
        posts.values(key)
        .annotate(
            posts=Count("id"),
            avg_views=Avg("views"),
            reactions=Coalesce(Sum(_reactions(), output_field=IntegerField()), 0),
            erv=Avg(
                Case(
                    When(views__gt=0, then=100 * Cast(_reactions(), FloatField()) / F("views")),
                    output_field=FloatField(),
                )
            ),
        )
        .order_by("-avg_views")
    )


HOURS = list(range(6, 24))


def _heatmap(cells) -> dict:
    """Average views of a post by weekday and hour, with a level 0–4 for the shading."""
    found = {(row["weekday"], row["hour"]): row for row in cells}
    best = max((row["avg_views"] or 0 for row in found.values()), default=0)
    hours = sorted({*HOURS, *(hour for _day, hour in found)})
    grid = []
    for weekday in range(1, 8):
        line = []
        for hour in hours:
            row = found.get((weekday, hour))
            views = row["avg_views"] if row else None
            level = 0 if not views or not best else 1 + min(3, int(4 * views / (best + 1)))
            line.append(
                {"hour": hour, "views": views, "posts": row["posts"] if row else 0, "level": level}
            )
        grid.append({"weekday": weekday, "cells": line})
    return {"hours": hours, "rows": grid}


def _libraries(rows, posts) -> list[dict]:
    figures = {
        row["channel__library"]: row
        for row in posts.values("channel__library").annotate(
            posts=Count("id"),
            views=Coalesce(Sum("views"), 0),
            reactions=Coalesce(Sum(_reactions(), output_field=IntegerField()), 0),
        )
    }
    libraries = {}
    for channel in rows:
        item = libraries.setdefault(
            channel.library_id,
            {"library": channel.library, "channels": 0, "subscribers": 0, "growth": 0},
        )
        item["channels"] += 1
        item["subscribers"] += channel.followers_end or 0
        if channel.followers_end is not None and channel.followers_start is not None:
            item["growth"] += channel.followers_end - channel.followers_start
    for library_id, item in libraries.items():
        row = figures.get(library_id, {})
        item.update(
            posts=row.get("posts", 0), views=row.get("views", 0), reactions=row.get("reactions", 0)
        )
        item["er"] = percent(item["reactions"], item["subscribers"] * item["posts"])
    return sorted(libraries.values(), key=lambda item: -item["views"])
