"""The figures of a period report: Table 1 (the channels), totals by network, the kinds
of content, virtual exhibitions (series), the best materials, growth and the months for
the charts (other modules add their own sections to the report's document: ``export``).

Every post of the period counts once and in every breakdown: a post published through
Vitrina whose figures were never collected counts with no views in its channel, network,
month and kind alike, so that each total equals the sum of its breakdown.

A post's figures are its latest snapshot: reports are written after the period ends, when
the posts have gathered their views. Days and months are the channel's own (its time zone):
a post made at 02:00 on 1 January in Kemerovo belongs to January, not to December in UTC.
Figures a person entered or imported are marked, so the report never passes them off as the
network's.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from vitrina.analytics.models import AccountSnapshot, PostLatest, Report, Source
from vitrina.analytics.services.registry import year_posts
from vitrina.channels.connect import post_link as channel_post_link
from vitrina.channels.models import Channel
from vitrina.channels.networks import Kind
from vitrina.channels.providers.registry import provider_class
from vitrina.content.models import PostMedia, Variant

BEST_COUNT = 5
NAME_WORDS, NAME_LENGTH = 10, 80  # a post is named by the first words of its text


@dataclass
class PostRow:
    title: str
    channel: str
    published_at: date | None
    views: int
    likes: int
    reposts: int
    comments: int
    series: str = ""
    rubric: str = ""
    url: str = ""
    kind: str = ""  # its kind of content: the rubric, or the format of a post without one

    @property
    def reactions(self) -> int:
        return self.likes + self.reposts + self.comments


@dataclass
class ChannelRow:
    channel: Channel
    network: str
    address: str
    created_on: date | None
    posts: int = 0
    posts_per_week: float = 0.0
    followers: int | None = None
    visits: int | None = None  # None: no day of the period tells the visits
    joined: int = 0
    views: int = 0
    likes: int = 0
    reposts: int = 0
    comments: int = 0
    content_types: list[str] = field(default_factory=list)
    followers_why: str = ""  # why there is no count of subscribers, where there is none
    visits_why: str = ""  # and of visits
    # The figures (of the names above) that include days or posts entered by hand or imported.
    marked: set[str] = field(default_factory=set)


@dataclass
class Totals:
    label: str
    posts: int = 0
    friends_added: int = 0
    subscribers_added: int = 0
    views: int = 0
    likes: int = 0
    reposts: int = 0
    comments: int = 0
    visits: int = 0
    visitors_per_day: float = 0.0
    visits_known: bool = False  # some channel of the network tells its visits
    marked: set[str] = field(default_factory=set)


@dataclass
class SeriesRow:
    name: str
    posts: int = 0
    views: int = 0
    likes: int = 0
    reposts: int = 0


@dataclass
class GrowthRow:
    """A channel's growth between its first and its last real reading inside the days
    (see ``growth.py``); ``note`` says why a count is missing or starts later."""

    channel: str
    day_from: date
    followers_from: int | None
    day_to: date
    followers_to: int | None
    note: str = ""

    @property
    def factor(self) -> float | None:
        if not self.followers_from or self.followers_to is None:
            return None
        return round(self.followers_to / self.followers_from, 1)


class Month(NamedTuple):
    month: date  # its first day
    posts: int
    views: int
    followers: int | None  # the channels' subscribers at its end, where any is known


@dataclass
class KindRow:
    name: str
    posts: int = 0
    views: int = 0


@dataclass
class ReportData:
    report: Report
    days: int
    channels: list[ChannelRow]
    networks: list[Totals]
    series: list[SeriesRow]
    series_total: SeriesRow
    best: list[PostRow]
    growth: list[GrowthRow]
    months: list[Month]  # every month of the period
    kinds: list[KindRow] = field(default_factory=list)  # the kinds of content, most first

    @property
    def has_marks(self) -> bool:
        return any(row.marked for row in self.channels)


def report_channels(report: Report):
    channels = Channel.objects.filter(organisation=report.organisation)
    if report.library_id:
        channels = channels.filter(library=report.library_id)
    return channels.filter(archived_at=None).order_by("library__name", "network", "name")


def published_between(date_from: date, date_to: date, zone) -> dict:
    """A filter on publication time by whole days in the zone; a plain range keeps the
    (channel, published_at) index usable."""
    return {
        "published_at__gte": datetime.combine(date_from, time.min, zone),
        "published_at__lt": datetime.combine(date_to + timedelta(days=1), time.min, zone),
    }


def zone_of(channel: Channel) -> ZoneInfo:
    return ZoneInfo(channel.timezone)


def published_in_zones(channels, date_from: date, date_to: date) -> Q:
    """Publication in the days, each channel's days in its own time zone: one range per
    zone, so the (channel, published_at) index stays usable."""
    by_zone = defaultdict(list)
    for channel in channels:
        by_zone[channel.timezone].append(channel.pk)
    condition = Q(pk__in=[])
    for zone, ids in by_zone.items():
        condition |= Q(channel__in=ids, **published_between(date_from, date_to, ZoneInfo(zone)))
    return condition


def latest_post_figures(channels, date_from: date, date_to: date, tag_id: int | None = None):
    """The latest figures of every post published on the channels in the days."""
    posts = PostLatest.objects.filter(published_in_zones(channels, date_from, date_to))
    if tag_id:
        posts = posts.filter(variant__post__tags=tag_id)
    return posts.select_related("channel", "variant__post__series", "variant__post__rubric")


def followers_and_source(channel: Channel, day: date) -> tuple[int | None, str]:
    found = (
        AccountSnapshot.objects.filter(channel=channel, day__lte=day, followers__isnull=False)
        .order_by("-day")
        .values_list("followers", "source")
        .first()
    )
    return found or (None, Source.NETWORK)


def growth_row(channel: Channel, since: date, end: date) -> GrowthRow:
    """Growth only between real readings: the first count inside the days starts it, never
    one from before them, and a channel read once there has no growth, said so."""
    readings = AccountSnapshot.objects.filter(
        channel=channel, day__gte=since, day__lte=end, followers__isnull=False
    ).values_list("day", "followers")
    first = readings.order_by("day").first()
    last = readings.order_by("-day").first()
    row = GrowthRow(channel.name, since, None, end, None)
    if first is None:
        row.note = _("no readings of subscribers in these days, so no growth.")
    elif first[0] == last[0]:
        row.day_to, row.followers_to = last
        row.note = _(
            "only one reading, on %(day)s: the growth shows once the network gives a second one."
        ) % {"day": f"{last[0]:%d.%m.%Y}"}
    else:
        (row.day_from, row.followers_from), (row.day_to, row.followers_to) = first, last
        if row.day_from > since:
            row.note = _("first reading on %(day)s") % {"day": f"{row.day_from:%d.%m.%Y}"}
    return row


def post_link(channel: Channel, external_id: str, variant=None) -> str:
    """The post's address on the network: the one Vitrina published it under, or one made
    from the channel's and the post's ids the way the network makes its own."""
    if variant is not None and variant.external_url:
        return variant.external_url
    if not external_id or external_id.startswith("text-"):
        return ""
    if "/" in external_id and "." in external_id.split("/")[0]:
        return f"https://{external_id}"  # imported by a link Vitrina could not take apart
    return channel_post_link(channel, external_id)


def every_month(start: date, end: date) -> list[date]:
    """The first day of every month the days touch."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def post_name(text: str, published: date | None) -> str:
    """A post as a person names it: the first words of its text; one known only by its
    figures, by its day."""
    words = " ".join((text or "").split()).split(" ")
    name = " ".join(words[:NAME_WORDS]).strip()
    if len(name) > NAME_LENGTH:
        name = name[:NAME_LENGTH].rsplit(" ", 1)[0]
    if name and name != " ".join(words).strip():
        name = name.rstrip(",.:;—-– ") + "…"
    if name:
        return name
    if published is not None:
        return _("A post of %(day)s") % {"day": f"{published:%d.%m.%Y}"}
    return _("A post")


FORMAT_KINDS = {
    "poll": lambda: _("Polls"),
    "photo": lambda: _("Posts with photos"),
    "text": lambda: _("Text posts"),
    "outside": lambda: _("Posts made on the network"),
}


def content_kind(post, has_media: bool) -> str:
    """A post's kind of content: its rubric, or for a post without one its format."""
    if post is None:
        return FORMAT_KINDS["outside"]()
    if post.rubric_id:
        return post.rubric.name
    if post.poll_question:
        return FORMAT_KINDS["poll"]()
    return FORMAT_KINDS["photo" if has_media else "text"]()


def missing_why(channel: Channel, figure: str = "followers") -> str:
    """Why a channel has no count of subscribers (``figure="followers"``) or of visits
    (``"visits"``): the network gives none for an account of its kind, or no visits at all
    (the provider's facts), or none has been collected or entered yet."""
    provider = provider_class(channel.network)
    limits = provider.limits if provider is not None else None
    if limits is not None and (
        not limits.account_stats
        or (limits.account_stats_kinds and channel.kind not in limits.account_stats_kinds)
    ):
        return limits.no_account_stats or _("The network gives no statistics for it.")
    if figure == "visits" and limits is not None and not limits.account_visits:
        return limits.no_visits or _("The network does not count visits.")
    return _(
        "No count has been collected or entered yet: connect the channel for statistics "
        "or enter its figures by hand."
    )


def _followers_by_month(channels, months: list[date]) -> list[int | None]:
    """The channels' subscribers at each month's end: each channel's latest reading by
    then, summed over the channels read by then (None where none was)."""
    if not months:
        return []
    readings = defaultdict(list)
    found = (
        AccountSnapshot.objects.filter(
            channel__in=channels, day__lte=month_end(months[-1]), followers__isnull=False
        )
        .order_by("day")
        .values_list("channel", "day", "followers")
    )
    for channel, day, followers in found:
        readings[channel].append((day, followers))
    sums = []
    for month in months:
        end, total, known = month_end(month), 0, False
        for days in readings.values():
            latest = next((count for day, count in reversed(days) if day <= end), None)
            if latest is not None:
                total, known = total + latest, True
        sums.append(total if known else None)
    return sums


def build_report(report: Report) -> ReportData:
    start, end = report.date_from, report.date_to
    days = (end - start).days + 1
    weeks = days / 7
    channels = list(report_channels(report))
    rows = {
        channel.pk: ChannelRow(
            channel=channel,
            network=channel.get_network_display(),
            address=channel.url,
            created_on=channel.created_on,
        )
        for channel in channels
    }
    posts = []
    kinds_of = defaultdict(lambda: defaultdict(int))  # channel -> kind -> posts
    kinds = {}
    series = {}
    months = defaultdict(lambda: [0, 0])
    snapshots = list(latest_post_figures(channels, start, end, report.tag_id))
    illustrated = set(
        PostMedia.objects.filter(
            post__in={s.variant.post_id for s in snapshots if s.variant_id}
        ).values_list("post", flat=True)
    )
    for snapshot in snapshots:
        post = snapshot.variant.post if snapshot.variant_id else None
        published = snapshot.published_at
        day = published.astimezone(zone_of(snapshot.channel)).date() if published else None
        # A post made on the network is named by the first words its wall gave.
        text = (snapshot.variant.text or post.text) if post else snapshot.text
        row = PostRow(
            title=post_name(text or (post.title if post else ""), day),
            channel=snapshot.channel.name,
            published_at=day,
            views=snapshot.views or 0,
            likes=snapshot.likes or 0,
            reposts=snapshot.reposts or 0,
            comments=snapshot.comments or 0,
            series=post.series.name if post and post.series_id else "",
            rubric=post.rubric.name if post and post.rubric_id else "",
            url=post_link(snapshot.channel, snapshot.external_id, snapshot.variant),
            kind=content_kind(post, post is not None and post.pk in illustrated),
        )
        posts.append(row)
        channel_row = rows[snapshot.channel_id]
        if snapshot.source != Source.NETWORK:
            channel_row.marked |= {"posts", "views", "likes", "reposts", "comments"}
        channel_row.posts += 1
        channel_row.views += row.views
        channel_row.likes += row.likes
        channel_row.reposts += row.reposts
        channel_row.comments += row.comments
        _count_kind(kinds, kinds_of, snapshot.channel_id, row.kind, row.views)
        if row.series:
            item = series.setdefault(row.series, SeriesRow(row.series))
            item.posts += 1
            item.views += row.views
            item.likes += row.likes
            item.reposts += row.reposts
        month = months[row.published_at.replace(day=1)]
        month[0] += 1
        month[1] += row.views
    for channel, day, kind in _unmeasured_posts(rows, start, end, report.tag_id):
        rows[channel.pk].posts += 1
        months[day.replace(day=1)][0] += 1
        _count_kind(kinds, kinds_of, channel.pk, kind, 0)
    by_person = ~Q(source=Source.NETWORK)
    account = (
        AccountSnapshot.objects.filter(channel__in=channels, day__gte=start, day__lte=end)
        .values("channel")
        .annotate(
            visits=Sum("visitors"),
            visit_days=Count("visitors"),
            joined_sum=Sum("joined"),
            visits_by_person=Count("pk", filter=by_person & Q(visitors__isnull=False)),
            joined_by_person=Count("pk", filter=by_person & Q(joined__isnull=False)),
        )
    )
    for item in account:
        row = rows[item["channel"]]
        row.visits = item["visits"] if item["visit_days"] else None
        row.joined = item["joined_sum"] or 0
        if item["visits_by_person"]:
            row.marked.add("visits")
        if item["joined_by_person"]:
            row.marked.add("joined")
    networks = {}
    for row in rows.values():
        row.followers, source = followers_and_source(row.channel, end)
        if row.followers is not None and source != Source.NETWORK:
            row.marked.add("followers")
        if row.followers is None:
            row.followers_why = missing_why(row.channel, "followers")
        if row.visits is None:
            row.visits_why = missing_why(row.channel, "visits")
        # The frequency is the channel's, whoever wrote the posts.
        all_posts = year_posts(row.channel, start, end) if report.tag_id else row.posts
        row.posts_per_week = round(all_posts / weeks, 1)
        counted = kinds_of[row.channel.pk]
        row.content_types = sorted(counted, key=lambda name: (-counted[name], name))
        total = networks.setdefault(row.network, Totals(row.network))
        for name in ("posts", "views", "likes", "reposts", "comments", "visits"):
            setattr(total, name, getattr(total, name) + (getattr(row, name) or 0))
        total.visits_known |= row.visits is not None
        total.marked |= row.marked & {"posts", "views", "likes", "reposts", "comments", "visits"}
        # A VK profile gains friends; groups, pages and channels gain subscribers.
        added = "friends_added" if row.channel.kind == Kind.PROFILE else "subscribers_added"
        setattr(total, added, getattr(total, added) + row.joined)
        if "joined" in row.marked:
            total.marked.add(added)
        if "visits" in row.marked:
            total.marked.add("visitors_per_day")
    for total in networks.values():
        total.visitors_per_day = round(total.visits / days, 1)
    ordered_series = sorted(series.values(), key=lambda item: -item.views)
    series_total = SeriesRow(
        "",
        posts=sum(item.posts for item in ordered_series),
        views=sum(item.views for item in ordered_series),
        likes=sum(item.likes for item in ordered_series),
        reposts=sum(item.reposts for item in ordered_series),
    )
    since = report.growth_since or start
    growth = [
        growth_row(row.channel, since, end) for row in rows.values() if row.followers is not None
    ]
    every = every_month(start, end)
    followers = _followers_by_month(channels, every)
    return ReportData(
        report=report,
        days=days,
        channels=list(rows.values()),
        networks=sorted(networks.values(), key=lambda item: -item.posts),
        series=ordered_series,
        series_total=series_total,
        best=sorted(posts, key=lambda item: -item.views)[:BEST_COUNT],
        growth=growth,
        months=[
            Month(month, *months[month], count)
            for month, count in zip(every, followers, strict=True)
        ],
        kinds=sorted(kinds.values(), key=lambda item: (-item.posts, item.name)),
    )


def _count_kind(kinds: dict, kinds_of: dict, channel_id: int, kind: str, views: int) -> None:
    item = kinds.setdefault(kind, KindRow(kind))
    item.posts += 1
    item.views += views
    kinds_of[channel_id][kind] += 1


def _unmeasured_posts(rows: dict, start: date, end: date, tag_id: int | None):
    """Posts published through Vitrina whose figures were never collected still count:
    each with its channel, its day in the channel's zone and its kind of content."""
    measured = PostLatest.objects.filter(channel__in=rows.keys()).values("external_id")
    channels = [row.channel for row in rows.values()]
    unmeasured = list(
        Variant.objects.filter(published_in_zones(channels, start, end))
        .exclude(external_id__in=measured)
        .filter(**({"post__tags": tag_id} if tag_id else {}))
        .select_related("post__rubric")
        .distinct()
    )
    illustrated = set(
        PostMedia.objects.filter(post__in={v.post_id for v in unmeasured}).values_list(
            "post", flat=True
        )
    )
    for variant in unmeasured:
        channel = rows[variant.channel_id].channel
        day = variant.published_at.astimezone(zone_of(channel)).date()
        yield channel, day, content_kind(variant.post, variant.post_id in illustrated)
