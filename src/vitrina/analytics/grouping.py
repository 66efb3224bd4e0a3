"""Posts' latest figures grouped the four ways the dashboard shows them: by day (totals,
weeks, Telegram), by library, by the post's own traits (weekday and hour, rubric, series,
format) and by whether it is about people.

The posts are read once. PostgreSQL groups them in one pass (GROUPING SETS); elsewhere each
grouping is a branch of a UNION ALL. Groups hold sums and counts only, so that they add up:
the organisation's days (``PostDay``) are these groups for one day each, and a period's
figures the sums of its days.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractHour, ExtractIsoWeekDay, TruncDate

from vitrina.analytics.models import Source
from vitrina.channels.providers.registry import networks_where
from vitrina.content.models import PostMedia

GROUPINGS = {
    # Posts of networks whose views stand in for reach are summed apart (their ERR).
    "day": ("day", "subscriber_reach"),
    "library": ("library",),
    "post": ("weekday", "hour", "rubric", "series", "format"),
    "people": ("people",),
}
# The keys with their types: a branch without a key gives a NULL of the key's type.
KEYS = {
    "day": "date",
    "subscriber_reach": "integer",
    "library": "bigint",
    "weekday": "integer",
    "hour": "integer",
    "rubric": "bigint",
    "series": "bigint",
    "format": "varchar",
    "people": "integer",
}
# The means (and the reactions, the sum of three sums) are taken from these afterwards.
# Each aggregate costs a year's posts times the groupings.
SUMS = ("posts", "views", "counted", "likes", "reposts", "comments", "reach")
SUMS += ("ratio_sum", "ratios", "marked")
_AGGREGATES = (
    "COUNT(*) AS posts, SUM(views) AS views, COUNT(views) AS counted, SUM(likes) AS likes, "
    "SUM(reposts) AS reposts, SUM(comments) AS comments, SUM(reach) AS reach, "
    "SUM(ratio) AS ratio_sum, COUNT(ratio) AS ratios, SUM(marked) AS marked"
)


class _LocalPart:
    """On PostgreSQL, the weekday and hour as ``date_part`` integers: ``EXTRACT`` gives a
    numeric, several times slower to compute, group and compare over a year's posts."""

    PARTS = {"iso_week_day": "isodow", "hour": "hour"}

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        part = _LocalPart.PARTS[self.lookup_name]
        return (
            f"date_part('{part}', {sql} AT TIME ZONE %s)::integer",
            (*params, self.get_tzname()),
        )


class LocalWeekday(_LocalPart, ExtractIsoWeekDay):
    pass


class LocalHour(_LocalPart, ExtractHour):
    pass


def reactions():
    return Coalesce(F("likes"), 0) + Coalesce(F("reposts"), 0) + Coalesce(F("comments"), 0)


def ratio():
    """A post's reactions / views, where it has views."""
    share = Cast(reactions(), FloatField()) / F("views")
    return Case(When(views__gt=0, then=share), output_field=FloatField())


def post_format():
    """A post's format; a post made on the network has no poll question either: it is
    tested first."""
    media = PostMedia.objects.filter(post=OuterRef("variant__post"))
    return Case(
        When(variant__isnull=True, then=Value("outside")),
        When(~Q(variant__post__poll_question=""), then=Value("poll")),
        When(Exists(media), then=Value("photo")),
        default=Value("text"),
    )


def account_day_sums(snapshots):
    """Channels' days (an ``AccountSnapshot`` queryset) added up by day, with the count of
    those a person entered or imported and of those whose subscribers are known: the
    dashboard's chart and sums, and the organisation's kept days alike."""
    return (
        snapshots.values("day")
        .annotate(
            # Before the sum takes the field's name.
            read=Count("followers"),
            followers=Sum("followers"),
            visitors=Sum("visitors"),
            joined=Sum("joined"),
            left=Sum("left"),
            marked=Count("pk", filter=~Q(source=Source.NETWORK)),
        )
        .order_by("day")
    )


def _flag(condition: Q):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def subscriber_reach_networks() -> list[str]:
    """Networks that give no reach, so that views / subscribers stands in for it."""
    return networks_where(lambda network: network.limits.subscriber_reach)


def grouped_sql(posts, zone, *, by_day: bool = False) -> tuple[str, tuple] | None:
    """The query grouping the posts (a ``PostLatest`` queryset) four ways, days and hours in
    ``zone``: columns ``kind``, the keys, then the sums; ``by_day`` keeps every grouping
    apart by day. None where the posts cannot be any (no channels in the scope)."""
    groupings = {
        kind: keys if not by_day or "day" in keys else ("day", *keys)
        for kind, keys in GROUPINGS.items()
    }
    base = posts.annotate(
        day=TruncDate("published_at", tzinfo=zone),
        subscriber_reach=_flag(Q(channel__network__in=subscriber_reach_networks())),
        library=F("channel__library"),
        weekday=LocalWeekday("published_at", tzinfo=zone),
        hour=LocalHour("published_at", tzinfo=zone),
        rubric=F("variant__post__rubric"),
        series=F("variant__post__series"),
        format=post_format(),
        people=_flag(Q(variant__post__about_people=True)),
        ratio=ratio(),
        marked=_flag(~Q(source=Source.NETWORK)),
    )
    figures = ("views", "likes", "reposts", "comments", "reach", "ratio", "marked")
    try:
        inner, params = base.values(*KEYS, *figures).query.sql_with_params()
    except EmptyResultSet:
        return None
    keys = list(KEYS)
    # Names are this module's constants; every value travels as a parameter.
    if connection.vendor == "postgresql":
        # GROUPING() gives a bit for every key left out of the row's grouping.
        bits = {
            name: sum(1 << (len(keys) - 1 - n) for n, key in enumerate(keys) if key not in grouped)
            for name, grouped in groupings.items()
        }
        kind = " ".join(f"WHEN {bit} THEN '{name}'" for name, bit in bits.items())
        sets = ", ".join(f"({', '.join(grouped)})" for grouped in groupings.values())
        sql = (
            f"SELECT CASE GROUPING({', '.join(keys)}) {kind} END AS kind, {', '.join(keys)}, "  # noqa: S608
            f"{_AGGREGATES} FROM ({inner}) posts GROUP BY GROUPING SETS ({sets})"
        )
    else:
        branches = []
        for name, grouped in groupings.items():
            columns = ", ".join(
                key if key in grouped else f"CAST(NULL AS {kind_of}) AS {key}"
                for key, kind_of in KEYS.items()
            )
            branches.append(
                f"SELECT '{name}' AS kind, {columns}, {_AGGREGATES} FROM posts "  # noqa: S608
                f"GROUP BY {', '.join(grouped)}"
            )
        sql = f"WITH posts AS MATERIALIZED ({inner}) " + " UNION ALL ".join(branches)
    return sql, tuple(params)


def run_grouped(cursor, sql: str, params) -> None:
    """Runs a grouping (or a statement around one) on the cursor."""
    if connection.vendor == "postgresql":
        # One plan a run: compiling it (JIT) costs more than running it, and the groups
        # are hashed in memory, not spilled to disk.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '32MB'")
    cursor.execute(sql, params)


def grouped(posts, zone) -> dict[str, list[dict]]:
    """The posts grouped four ways: kind → rows of keys and sums."""
    found = {kind: [] for kind in GROUPINGS}
    query = grouped_sql(posts, zone)
    if query is None:
        return found
    with transaction.atomic(), connection.cursor() as cursor:
        run_grouped(cursor, *query)
        names = [column[0] for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            for name in SUMS:
                row[name] = row[name] or 0
            found[row.pop("kind")].append(row)
    return found
