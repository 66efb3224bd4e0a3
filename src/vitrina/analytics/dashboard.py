"""The analytics dashboard's figures for an organisation, a library, a channel, a rubric,
a series or a virtual exhibition over any period, beside the previous period: the previous
calendar months or years for whole ones, otherwise as many days just before.

The page costs a fixed handful of queries whatever the number of channels or posts: the
channels with their subscribers, the account figures by day for both periods, every post
figure in one query (a grouping per block over the posts read once) and the top posts.
The whole organisation's figures come from the rows it keeps by day (``analytics.rollup``)
rather than from every channel's days and every post.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from vitrina.analytics.grouping import (
    GROUPINGS,
    KEYS,
    SUMS,
    LocalHour,
    LocalWeekday,
    account_day_sums,
    grouped,
    post_format,
    ratio,
    reactions,
    subscriber_reach_networks,
)
from vitrina.analytics.growth import (
    growth_of,
    reading_annotations,
    subscribers_at_end,
    subscribers_mean,
)
from vitrina.analytics.metrics import engagement, percent
from vitrina.analytics.models import AccountSnapshot, OrganisationDay, PostDay, PostLatest, Source
from vitrina.analytics.report import post_link, published_between
from vitrina.analytics.rounds import last_round
from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState
from vitrina.content.models import Rubric, Series
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
    exhibition_id: int | None = None
    growth_from: date | None = None
    growth_to: date | None = None
    zone: ZoneInfo | None = None

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """Whole calendar months (or years) are compared with as many months just before
        (2020 with 2019, February with January); any other period with as many days."""
        end = self.date_from - timedelta(days=1)
        if self.date_from.day == 1 and (self.date_to + timedelta(days=1)).day == 1:
            months = (self.date_to.year - self.date_from.year) * 12
            months += self.date_to.month - self.date_from.month + 1
            first = self.date_from.year * 12 + self.date_from.month - 1 - months
            return date(first // 12, first % 12 + 1, 1), end
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
    people: dict | None = None
    heatmap: dict = field(default_factory=dict)
    libraries: list = field(default_factory=list)
    needs_reconnect: list = field(default_factory=list)
    marked: set = field(default_factory=set)  # current figures with hand-entered parts
    previous_marked: set = field(default_factory=set)
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


def _posts(channels, scope: Scope, date_from: date, date_to: date):
    """The latest figures of each post published in the days, within the scope."""
    posts = PostLatest.objects.filter(
        channel__in=channels, **published_between(date_from, date_to, scope.zone)
    )
    if scope.rubric_id:
        posts = posts.filter(variant__post__rubric=scope.rubric_id)
    if scope.series_id:
        posts = posts.filter(variant__post__series=scope.series_id)
    if scope.exhibition_id:
        posts = posts.filter(variant__post__series__exhibition=scope.exhibition_id)
    return posts


def _account_days(channels, date_from: date, date_to: date) -> dict:
    """The channels' account figures added up by day: the chart, and both periods' sums
    from the same rows, with the count of rows a person entered or imported."""
    snapshots = AccountSnapshot.objects.filter(
        channel__in=channels, day__gte=date_from, day__lte=date_to
    )
    return {row.pop("day"): row for row in account_day_sums(snapshots)}


def _organisation_days(organisation_id: int, date_from: date, date_to: date) -> dict:
    """The same sums for every channel of the organisation, from the rows kept by day."""
    return {
        row.pop("day"): row
        for row in OrganisationDay.objects.filter(
            organisation=organisation_id, day__gte=date_from, day__lte=date_to
        )
        .values("day", "followers", "visitors", "joined", "left", "marked", "read")
        .order_by("day")
    }


def whole_organisation(membership: Membership, scope: Scope) -> bool:
    """The scope's channels are all the organisation's (a rubric, series or exhibition
    narrows the posts, not the channels)."""
    return not scope.library_id and not scope.channel_id and limited_library_ids(membership) is None


def _daily(days: dict, scope: Scope) -> list[dict]:
    """The period's days for the chart and its table. A day's subscribers add up the
    channels read that day; where fewer were read than on the period's best-read days, the
    sum is not comparable with theirs (a channel missing is not a fall): the chart leaves
    the day out and the table shows the sum as partial, with how many channels it holds."""
    rows = [(day, row) for day, row in days.items() if scope.date_from <= day <= scope.date_to]
    full = max((row["read"] for _day, row in rows), default=0)
    daily = []
    for day, row in rows:
        complete = row["read"] == full
        daily.append(
            {
                "day": day,
                "followers": row["followers"] if complete else None,
                "partial": None if complete else row["followers"],
                "read": row["read"],
                "full": full,
                "visitors": row["visitors"],
            }
        )
    return daily


def _account(days: dict, date_from: date, date_to: date, length: int) -> dict:
    """The period's sums; a figure no day knows stays unknown rather than 0."""
    figures = {"visitors": None, "joined": None, "left": None}
    marked = False
    for day, row in days.items():
        if date_from <= day <= date_to:
            marked = marked or bool(row["marked"])
            for name in figures:
                if row[name] is not None:
                    figures[name] = (figures[name] or 0) + row[name]
    visitors = figures["visitors"]
    figures["visitors_per_day"] = (
        round(visitors / length, 1) if length and visitors is not None else None
    )
    figures["account_marked"] = marked
    return figures


FORMATS = ("poll", "photo", "text", "outside", "people")


def figure_posts(membership: Membership, scope: Scope, *, kind="", weekday=None, hour=None):
    """The posts behind a figure of the dashboard: the scope's posts of the period, of one
    format (or about people), or published on one weekday and hour; the most seen first."""
    zone = scope.zone or ZoneInfo(membership.organisation.timezone)
    scope.zone = zone
    posts = _posts(scoped_channels(membership, scope), scope, scope.date_from, scope.date_to)
    if kind == "people":
        posts = posts.filter(variant__post__about_people=True)
    elif kind in FORMATS:
        posts = posts.annotate(format=post_format()).filter(format=kind)
    if weekday is not None:
        posts = posts.annotate(weekday=LocalWeekday("published_at", tzinfo=zone)).filter(
            weekday=weekday
        )
    if hour is not None:
        posts = posts.annotate(hour=LocalHour("published_at", tzinfo=zone)).filter(hour=hour)
    return (
        posts.annotate(reactions=reactions())
        .select_related("channel", "variant__post")
        .order_by(F("views").desc(nulls_last=True), "pk")
    )


def _previous_totals(channels, scope: Scope, prev_from: date, prev_to: date) -> dict:
    # Aliases apart from the field names: an aggregate may not share a field's name.
    sums = _posts(channels, scope, prev_from, prev_to).aggregate(
        sum_posts=Count("id"),
        sum_views=Sum("views"),
        sum_counted=Count("views"),
        sum_likes=Sum("likes"),
        sum_reposts=Sum("reposts"),
        sum_comments=Sum("comments"),
        sum_reach=Sum("reach"),
        sum_ratio_sum=Sum(ratio()),
        sum_ratios=Count(ratio()),
        sum_marked=Count("id", filter=~Q(source=Source.NETWORK)),
    )
    return {name.removeprefix("sum_"): value or 0 for name, value in sums.items()}


def _post_figures(channels, scope: Scope, prev_from: date, prev_to: date, zone) -> dict:
    """Every post figure of the page but the top posts: one grouped query over the
    period's posts and a plain sum over the previous period's."""
    previous = _previous_totals(channels, scope, prev_from, prev_to)
    found = grouped(_posts(channels, scope, scope.date_from, scope.date_to), zone)
    return _gathered(found, previous, zone)


def _organisation_post_figures(organisation_id: int, scope: Scope, prev_from: date) -> dict:
    """The same figures for all the organisation's posts, from its posts' days: both
    periods' days for the totals, the period's other groups added up by the database."""
    days = PostDay.objects.filter(organisation=organisation_id)
    found = {kind: [] for kind in GROUPINGS}
    previous = {}
    for row in (
        days.filter(kind="day", day__gte=prev_from, day__lte=scope.date_to)
        .values("day", "subscriber_reach", *SUMS)
        .order_by("day")
    ):
        if row["day"] < scope.date_from:
            _add(previous, row)
        else:
            found["day"].append(row)
    # Aliases apart from the field names: an aggregate may not share a field's name.
    for row in (
        days.filter(day__gte=scope.date_from, day__lte=scope.date_to)
        .exclude(kind="day")
        .values("kind", *(key for key in KEYS if key != "day"))
        .annotate(**{f"sum_{name}": Sum(name) for name in SUMS})
        .order_by()
    ):
        sums = {name: row.pop(f"sum_{name}") or 0 for name in SUMS}
        found[row.pop("kind")].append({"day": None, **row, **sums})
    return _gathered(found, previous, scope.zone)


def _gathered(found: dict, previous: dict, zone) -> dict:
    current = {}
    by_views = {}
    weeks = {}
    for row in found["day"]:
        _add(current, row)
        day = row["day"] if isinstance(row["day"], date) else date.fromisoformat(row["day"])
        _add(weeks.setdefault(day - timedelta(days=day.weekday()), {}), row)
        if row["subscriber_reach"]:
            _add(by_views, row)
    groups = {"rubric": {}, "series": {}, "format": {}, "cell": {}}
    groups["people"] = {row["people"]: row for row in found["people"]}
    for row in found["post"]:
        _add(groups["rubric"].setdefault(row["rubric"], {"rubric": row["rubric"]}), row)
        _add(groups["series"].setdefault(row["series"], {"series": row["series"]}), row)
        _add(groups["format"].setdefault(row["format"], {"format": row["format"]}), row)
        cell = (row["weekday"], row["hour"])
        _add(groups["cell"].setdefault(cell, {"weekday": cell[0], "hour": cell[1]}), row)
    figures = {
        "current": _totals(current),
        "previous": _totals(previous),
        "subscriber_reach_views": _means(by_views)["avg_views"],
        # Weeks start on Monday, in the organisation's zone.
        "weekly": [
            {
                "week": datetime.combine(monday, time.min, zone),
                "posts": weeks[monday]["posts"],
                "views": weeks[monday]["views"],
            }
            for monday in sorted(weeks)
        ],
        "library": [_means(row) for row in found["library"]],
    }
    for kind, rows in groups.items():
        figures[kind] = sorted(
            (_means(row) for row in rows.values()),
            key=lambda row: (row["avg_views"] is not None, -(row["avg_views"] or 0)),
        )
    return figures


def _add(into: dict, row: dict) -> None:
    for name in SUMS:
        into[name] = into.get(name, 0) + row.get(name, 0)


def _means(row: dict) -> dict:
    """The group's sums with its means: views per post, ERV (mean reactions / views)."""
    counted, ratios = row.get("counted", 0), row.get("ratios", 0)
    if not row:
        return {"avg_views": None, "erv_mean": None, "erv": None}
    erv_mean = row.get("ratio_sum", 0) / ratios if ratios else None
    return {
        **row,
        "reactions": row.get("likes", 0) + row.get("reposts", 0) + row.get("comments", 0),
        "avg_views": row.get("views", 0) / counted if counted else None,
        "erv_mean": erv_mean,
        "erv": 100 * erv_mean if erv_mean is not None else None,
    }


def _totals(row: dict) -> dict:
    names = ("posts", "views", "likes", "reposts", "comments", "reach")
    totals = {name: row.get(name, 0) for name in names}
    totals["erv_mean"] = _means(row)["erv_mean"]
    totals["reactions"] = totals["likes"] + totals["reposts"] + totals["comments"]
    totals["marked"] = row.get("marked", 0)
    return totals


def _figures(row: dict) -> dict:
    return {key: row[key] for key in ("posts", "avg_views", "reactions", "erv", "marked")}


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
            **reading_annotations("current", scope.date_from, scope.date_to),
            **reading_annotations("previous", prev_from, prev_to),
            **reading_annotations("chosen", growth_from, growth_to),
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

    # The whole organisation's figures come from the rows it keeps by day; a narrower
    # scope reads its own channels' (and posts') figures.
    organisation_id = membership.organisation_id
    whole = whole_organisation(membership, scope)
    if whole:
        days = _organisation_days(organisation_id, prev_from, scope.date_to)
    else:
        days = _account_days(ids, prev_from, scope.date_to)
    all_posts = not (scope.rubric_id or scope.series_id or scope.exhibition_id)
    if whole and all_posts and str(scope.zone) == str(zone):
        figures = _organisation_post_figures(organisation_id, scope, prev_from)
    else:
        figures = _post_figures(ids, scope, prev_from, prev_to, zone)
    periods = (
        (board.current, scope.date_from, scope.date_to, "current", figures["current"]),
        (board.previous, prev_from, prev_to, "previous", figures["previous"]),
    )
    for target, day_from, day_to, name, totals in periods:
        account = _account(days, day_from, day_to, scope.days)
        growth = growth_of(rows, name, day_from, day_to)
        last = subscribers_at_end(rows, name)
        mean = subscribers_mean(rows, name)
        target.update(totals, **account, subscribers=last, subscribers_mean=mean)
        target["growth"] = growth.change
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
    board.marked = _marks(board.current)
    board.previous_marked = _marks(board.previous)
    # Nothing read or entered for the previous period: its figures are unknown, not zero.
    previous_days = [day for day in days if prev_from <= day <= prev_to]
    if not figures["previous"]["posts"] and not previous_days:
        board.previous = dict.fromkeys(board.current)
        board.previous_marked = set()
    by_views = [c for c in rows if c.network in subscriber_reach_networks()]
    if by_views:
        subscribers = subscribers_at_end(by_views, "current")
        board.current["subscriber_reach"] = percent(figures["subscriber_reach_views"], subscribers)

    board.growth = growth_of(rows, "chosen", growth_from, growth_to)

    posts = _posts(ids, scope, scope.date_from, scope.date_to)
    board.daily = _daily(days, scope)
    board.weekly = figures["weekly"]
    # The best posts are picked from the bare rows, then only they are read with their
    # channel and post.
    top = list(
        posts.order_by(F("views").desc(nulls_last=True), "pk").values_list("pk", flat=True)[
            :TOP_POSTS
        ]
    )
    board.top_posts = sorted(
        PostLatest.objects.filter(pk__in=top)
        .annotate(reactions=reactions())
        .select_related("channel", "variant__post"),
        key=lambda snapshot: top.index(snapshot.pk),
    )
    for snapshot in board.top_posts:
        snapshot.link = post_link(snapshot.channel, snapshot.external_id, snapshot.variant)
    weeks = scope.days / 7
    targets = {
        rubric.pk: rubric
        for rubric in Rubric.objects.filter(organisation=membership.organisation, archived_at=None)
    }
    by_rubric = {row["rubric"]: row for row in figures["rubric"] if row["rubric"]}
    board.rubrics = [
        {
            "rubric": rubric,
            "posts": by_rubric.get(pk, {}).get("posts", 0),
            "per_week": round(by_rubric.get(pk, {}).get("posts", 0) / weeks, 1),
            "target": rubric.target_per_week,
            "views": by_rubric.get(pk, {}).get("avg_views"),
            "erv": by_rubric.get(pk, {}).get("erv"),
            "marked": by_rubric.get(pk, {}).get("marked", 0),
            "behind": rubric.target_per_week is not None
            and by_rubric.get(pk, {}).get("posts", 0) / weeks < float(rubric.target_per_week),
        }
        for pk, rubric in targets.items()
    ]
    in_series = [row for row in figures["series"] if row["series"]]
    names = dict(
        Series.objects.filter(pk__in=[row["series"] for row in in_series]).values_list("pk", "name")
    )
    board.series = [
        {"series": row["series"], "name": names.get(row["series"], ""), **_figures(row)}
        for row in in_series
    ]
    board.formats = [{"format": row["format"], **_figures(row)} for row in figures["format"]]
    # Posts about people cross the formats (a note about a person often has a photo): their
    # own row, beside the formats rather than among them.
    board.people = next(
        ({"format": "people", **_figures(row)} for row in figures["people"] if row["people"]),
        None,
    )
    board.heatmap = _heatmap(figures["cell"])
    board.libraries = _libraries(rows, figures["library"], scope)
    return board


# The summary's figures that rest on posts and on account days.
POST_FIGURES = ("posts", "views", "reactions", "er", "erv", "err", "love", "talk")
POST_FIGURES += ("amplification", "subscriber_reach")
ACCOUNT_FIGURES = ("subscribers", "growth", "visitors_per_day", "er", "love", "talk")
ACCOUNT_FIGURES += ("amplification", "subscriber_reach")


def _marks(period: dict) -> set:
    """The figures of a period that include posts or days entered by hand or imported."""
    marked = set()
    if period.get("marked"):
        marked.update(POST_FIGURES)
    if period.get("account_marked"):
        marked.update(ACCOUNT_FIGURES)
    return marked


# Every hour of the day, in order: an hour without posts is an empty cell, not a gap.
HOURS = list(range(24))
# Shades of the cells with posts, light to dark (``analytics.css`` gives each its text
# colour, dark on the light ones and white on the dark ones, ≥ 4.5:1 by WCAG AA).
LEVELS = 5


def _level(views, low, high) -> int:
    """1 (the least seen hour of the period) to ``LEVELS`` (the most seen); 0 for none."""
    if views is None:
        return 0
    if high <= low:
        return (LEVELS + 1) // 2
    return 1 + min(LEVELS - 1, int(LEVELS * (views - low) / (high - low)))


def _heatmap(cells) -> dict:
    """Average views of a post by weekday and hour of publication, shaded between the
    period's least and most seen hour, with the scale the legend explains."""
    found = {(row["weekday"], row["hour"]): row for row in cells}
    seen = [row["avg_views"] for row in found.values() if row["avg_views"] is not None]
    low, high = (min(seen), max(seen)) if seen else (None, None)
    grid = []
    for weekday in range(1, 8):
        line = []
        for hour in HOURS:
            row = found.get((weekday, hour))
            views = row["avg_views"] if row else None
            line.append(
                {
                    "hour": hour,
                    "views": views,
                    "posts": row["posts"] if row else 0,
                    "level": _level(views, low, high) if seen else 0,
                }
            )
        grid.append({"weekday": weekday, "cells": line})
    scale = []
    if seen:
        step = (high - low) / LEVELS
        for level in range(1, LEVELS + 1):
            if high <= low and level != (LEVELS + 1) // 2:
                continue
            start = low + step * (level - 1)
            scale.append({"level": level, "from": start, "to": start + step})
    return {
        "hours": HOURS,
        "rows": grid,
        "least": low,
        "most": high,
        "scale": scale,
        "posts": sum(row["posts"] for row in found.values()),
    }


def _libraries(rows, found: list[dict], scope: Scope) -> list[dict]:
    """Each library's channels side by side; subscribers a channel has never reported are
    left out of the sums, and a library none of whose channels knows them shows none."""
    figures = {row["library"]: row for row in found}
    channels = {}
    for channel in rows:
        channels.setdefault(channel.library_id, []).append(channel)
    libraries = []
    for library_id, own in channels.items():
        row = figures.get(library_id, {})
        item = {
            "library": own[0].library,
            "channels": len(own),
            "subscribers": subscribers_at_end(own, "current"),
            "growth": growth_of(own, "current", scope.date_from, scope.date_to).change,
            "posts": row.get("posts", 0),
            "views": row.get("views", 0),
            "reactions": row.get("reactions", 0),
            "marked": row.get("marked", 0),
        }
        per_post = item["subscribers"] * item["posts"] if item["subscribers"] else None
        item["er"] = percent(item["reactions"], per_post)
        libraries.append(item)
    return sorted(libraries, key=lambda item: -item["views"])
