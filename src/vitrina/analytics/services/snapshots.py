"""Writes of figures: a channel's days and its posts' readings. Every write is an upsert on
the snapshot's natural key, so collecting or importing the same figures again changes
nothing."""

from dataclasses import dataclass
from datetime import date, datetime

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from vitrina.analytics.models import TEXT_LENGTH, AccountSnapshot, PostLatest, PostSnapshot, Source
from vitrina.analytics.rollup import organisation_days_refresh, post_days_refresh_published
from vitrina.analytics.schedule import hour_of
from vitrina.channels.models import Channel
from vitrina.content.models import Variant
from vitrina.core.exceptions import ServiceError

ACCOUNT_FIELDS = ["followers", "joined", "left", "visitors", "views", "reach"]
POST_FIELDS = ["views", "likes", "reposts", "comments", "reach"]


@dataclass(slots=True)
class AccountFigures:
    day: date
    followers: int | None = None
    joined: int | None = None
    left: int | None = None
    visitors: int | None = None
    views: int | None = None
    reach: int | None = None


@dataclass(slots=True)
class PostFigures:
    external_id: str
    taken_at: datetime
    views: int | None = None
    likes: int | None = None
    reposts: int | None = None
    comments: int | None = None
    reach: int | None = None
    published_at: datetime | None = None
    variant_id: int | None = None


def _check_counts(values: dict) -> None:
    for name, value in values.items():
        if value is not None and value < 0:
            raise ServiceError(f"Отрицательное значение: {name} = {value}")


@transaction.atomic
def account_snapshots_save(
    *, channel: Channel, figures: list[AccountFigures], source: str = Source.NETWORK
) -> int:
    """Stores the days' figures; a day already stored is updated, never doubled.

    A figure the new reading lacks keeps its stored value (a network gives today's
    subscribers only, so a re-read day would otherwise lose its count), and a day a person
    entered or imported is never replaced by a network's reading."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = {}
    for item in figures:
        values = [getattr(item, name) for name in ACCOUNT_FIELDS]
        _check_counts(dict(zip(ACCOUNT_FIELDS, values, strict=True)))
        # One row per day: PostgreSQL refuses to update a row twice in one statement.
        rows[item.day] = (channel.pk, connection.ops.adapt_datefield_value(item.day), *values)
    rows = list(rows.values())
    for start in range(0, len(rows), ACCOUNT_BATCH):
        _account_upsert(rows[start : start + ACCOUNT_BATCH], source, now)
    if rows:
        days = [item.day for item in figures]
        organisation_days_refresh(channel.organisation_id, min(days), max(days))
    return len(rows)


# Rows an upsert statement carries: 10 parameters each, well under every database's limit.
ACCOUNT_BATCH = 500


def _account_upsert(rows: list[tuple], source: str, now) -> None:
    """INSERT … ON CONFLICT DO UPDATE with COALESCE, on PostgreSQL and SQLite alike
    (bulk_create can only overwrite). Column names are this module's constants."""
    quote = connection.ops.quote_name
    table = quote(AccountSnapshot._meta.db_table)
    columns = ["channel_id", "day", *ACCOUNT_FIELDS, "source", "updated_at"]
    keep = ", ".join(
        f"{quote(name)} = COALESCE(excluded.{quote(name)}, {table}.{quote(name)})"
        for name in ACCOUNT_FIELDS
    )
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(name) for name in columns)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT ({quote('channel_id')}, {quote('day')}) DO UPDATE SET {keep}, "
        f"{quote('source')} = excluded.{quote('source')}, "
        f"{quote('updated_at')} = excluded.{quote('updated_at')} "
        # A person's figures win over a network's reading of the same day.
        f"WHERE excluded.{quote('source')} <> %s OR {table}.{quote('source')} = %s"
    )
    params = [value for row in rows for value in (*row, source, now)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, Source.NETWORK.value, Source.NETWORK.value])


def first_words(text: str) -> str:
    """A post's opening, whole words up to the kept length, on one line."""
    line = " ".join(text.split())
    if len(line) <= TEXT_LENGTH:
        return line
    cut = line[: TEXT_LENGTH - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:—-") + "…"


def post_texts_save(*, channel: Channel, texts: dict[str, str]) -> int:
    """Keeps the first words of the channel's posts as its wall gave them, where they
    changed ("" for a post without text, so that it is known to have been read)."""
    wanted = {key: first_words(text or "") for key, text in texts.items()}
    if not wanted:
        return 0
    changed = []
    for row in PostLatest.objects.filter(channel=channel, external_id__in=wanted).only(
        "pk", "external_id", "text"
    ):
        if row.text != wanted[row.external_id]:
            row.text = wanted[row.external_id]
            changed.append(row)
    PostLatest.objects.bulk_update(changed, ["text"], batch_size=500)
    return len(changed)


@transaction.atomic
def post_snapshots_save(
    *, channel: Channel, figures: list[PostFigures], source: str = Source.NETWORK
) -> int:
    """Stores the posts' figures at their (hour-rounded) moments, ties each post to the
    variant published under the same external id on this channel and keeps every post's
    latest figures beside the history (an older reading never replaces a newer one)."""
    return post_snapshots_save_many(batches={channel: figures}, source=source)


@transaction.atomic
def post_snapshots_save_many(
    *, batches: dict[Channel, list[PostFigures]], source: str = Source.NETWORK
) -> int:
    """Several channels' figures in one transaction (collection rounds, imports, bulk loads)."""
    given = sum(len(figures) for figures in batches.values())
    if not given:
        return 0
    _lock_channels({channel.pk for channel in batches})
    if connection.vendor == "postgresql" and given >= COPY_THRESHOLD:
        published = _post_rows_copy(batches, source)
    else:
        published = _post_rows_orm(_readings(batches), source)
    # The organisations' days of these posts, as published before and now.
    post_days_refresh_published(published)
    return given


# From this many readings a batch travels by COPY (PostgreSQL only).
COPY_THRESHOLD = 500


def _reading_rows(batches: dict[Channel, list[PostFigures]]):
    """Each reading checked and as a row: (channel, external id, variant, published, taken
    rounded to the hour, views, likes, reposts, comments, reach). A plain loop over
    attributes: this runs for every one of millions of readings."""
    zone = timezone.get_default_timezone()
    for channel, figures in batches.items():
        channel_id = channel.pk
        for item in figures:
            views, likes, reposts, comments, reach = (
                item.views,
                item.likes,
                item.reposts,
                item.comments,
                item.reach,
            )
            if (
                (views is not None and views < 0)
                or (likes is not None and likes < 0)
                or (reposts is not None and reposts < 0)
                or (comments is not None and comments < 0)
                or (reach is not None and reach < 0)
            ):
                _check_counts({name: getattr(item, name) for name in POST_FIELDS})
            taken, published = item.taken_at, item.published_at
            if taken.tzinfo is None:
                taken = timezone.make_aware(taken, zone)
            if taken.minute or taken.second or taken.microsecond:
                taken = hour_of(taken)
            if published is not None and published.tzinfo is None:
                published = timezone.make_aware(published, zone)
            yield (
                channel_id,
                item.external_id,
                item.variant_id,
                published,
                taken,
                views,
                likes,
                reposts,
                comments,
                reach,
            )


def _readings(batches: dict[Channel, list[PostFigures]]) -> list[tuple]:
    """One row per post and (hour-rounded) moment, the last given winning."""
    return list({(row[0], row[1], row[4]): row for row in _reading_rows(batches)}.values())


def _lock_channels(ids: set[int]) -> None:
    """The history has no foreign key in the database: checking it row by row costs more than
    storing the row. The write checks the batch's channels once instead and holds them
    (FOR KEY SHARE, as the key check would) until the readings are committed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM channels_channel WHERE id = ANY(%s) FOR KEY SHARE", [list(ids)]
            )
            found = {pk for (pk,) in cursor.fetchall()}
    else:
        found = set(Channel.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if found != ids:
        raise ServiceError("Канал удалён, его показатели не сохранены.")


# A reading's row, as ``_reading_rows`` gives it, field by field.
_ROW_FIELDS = ("channel_id", "external_id", "variant_id", "published_at", "taken_at")
_ROW_FIELDS += tuple(POST_FIELDS)


def _newest(rows) -> dict:
    """(channel, external id) → the post's newest row among these."""
    newest = {}
    for row in rows:
        _keep_if_newer(newest, row)
    return newest


def _keep_if_newer(newest: dict, row: tuple) -> None:
    kept = newest.get((row[0], row[1]))
    if kept is None or kept[4] < row[4]:
        newest[row[0], row[1]] = row


def _post_rows_orm(rows: list[tuple], source: str) -> set[tuple]:
    variants = _published_variants({(row[0], row[1]) for row in rows if row[2] is None and row[1]})
    rows = [_matched(row, variants) for row in rows]
    newest = _newest(rows)
    PostSnapshot.objects.bulk_create(
        [PostSnapshot(**dict(zip(_ROW_FIELDS, row, strict=True)), source=source) for row in rows],
        update_conflicts=True,
        unique_fields=["channel", "external_id", "taken_at"],
        update_fields=[*POST_FIELDS, "variant", "published_at", "source"],
    )
    stored = {}
    published = {(row[0], row[3]) for row in newest.values()}
    for channel_id, external_id, taken_at, published_at in PostLatest.objects.filter(
        channel__in={key[0] for key in newest}, external_id__in={key[1] for key in newest}
    ).values_list("channel_id", "external_id", "taken_at", "published_at"):
        stored[channel_id, external_id] = (taken_at, published_at)
        published.add((channel_id, published_at))
    latest = []
    for key, row in newest.items():
        fields = dict(zip(_ROW_FIELDS, row, strict=True))
        if key in stored:
            if row[4] < stored[key][0]:
                continue  # the stored figures are newer
            # A reading without its publication time keeps the one known.
            fields["published_at"] = fields["published_at"] or stored[key][1]
        latest.append(PostLatest(**fields, source=source))
    PostLatest.objects.bulk_create(
        latest,
        update_conflicts=True,
        unique_fields=["channel", "external_id"],
        update_fields=[*POST_FIELDS, "variant", "published_at", "taken_at", "source"],
    )
    return published


_COLUMNS = "channel_id, external_id, variant_id, published_at, taken_at, " + ", ".join(POST_FIELDS)
_TYPES = ["int8", "varchar", "int8", "timestamptz", "timestamptz", *["int4"] * 5]


def _published_variants(pairs: set[tuple[int, str]]) -> dict:
    """(channel, external id) → (variant, published) of the variants published under the
    external ids on the channels; where several carry one, the newest."""
    if not pairs:
        return {}
    channels, externals = list({pair[0] for pair in pairs}), list({pair[1] for pair in pairs})
    if connection.vendor != "postgresql":
        found = (
            Variant.objects.filter(channel__in=channels, external_id__in=externals)
            .order_by("id")
            .values_list("channel_id", "external_id", "id", "published_at")
        )
        return {(channel, external): (pk, at) for channel, external, pk, at in found}
    # A round's batch names tens of thousands of posts: two arrays, not a list per value.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (channel_id, external_id) channel_id, external_id, id, "
            "published_at FROM content_variant WHERE channel_id = ANY(%s) "
            "AND external_id = ANY(%s) ORDER BY channel_id, external_id, id DESC",
            [channels, externals],
        )
        return {(channel, external): (pk, at) for channel, external, pk, at in cursor}


def _matched(row: tuple, variants: dict) -> tuple:
    """The row with the variant published under its external id on its channel, and its
    publication time where the reading has none."""
    variant = variants.get((row[0], row[1])) if row[2] is None else None
    if variant is None:
        return row
    return (row[0], row[1], variant[0], row[3] or variant[1], *row[4:])


def _post_rows_copy(batches: dict[Channel, list[PostFigures]], source: str) -> set[tuple]:
    """Binary COPY straight into the history, the readings checked as they go, so that
    preparing them overlaps with the database storing them: a round's readings are new (a
    post read at a new hour), and the unique key lets them all in at COPY's own cost. Where
    some are stored already (read twice within the hour, or by another writer at this
    moment), or one moment comes twice in the batch, the key stops the COPY and the batch
    goes through a temporary table and an upsert instead. Each post's newest reading then
    updates its latest figures unless those are newer."""
    variants = _published_variants(
        {
            (channel.pk, item.external_id)
            for channel, figures in batches.items()
            for item in figures
            if item.variant_id is None and item.external_id
        }
    )
    newest = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS analytics_post_staging (channel_id bigint, "
            "external_id varchar(100), variant_id bigint, published_at timestamptz, "
            "taken_at timestamptz, views integer, likes integer, reposts integer, "
            "comments integer, reach integer, newest boolean) ON COMMIT DELETE ROWS"
        )
        # Emptied at every commit; a second batch in one transaction must not see the first.
        cursor.execute("DELETE FROM analytics_post_staging")
        try:
            with (
                transaction.atomic(),
                cursor.copy(
                    f"COPY analytics_postsnapshot ({_COLUMNS}, source) FROM STDIN (FORMAT BINARY)"
                ) as copy,
            ):
                copy.set_types([*_TYPES, "varchar"])
                write = copy.write_row
                for row in _reading_rows(batches):
                    if variants and row[2] is None:
                        row = _matched(row, variants)
                    _keep_if_newer(newest, row)
                    write((*row, source))
            rows = None
        except (IntegrityError, psycopg.errors.UniqueViolation):
            # COPY reports through psycopg itself, not Django's wrapper.
            rows = [_matched(row, variants) for row in _readings(batches)]
            newest = _newest(rows)
        with cursor.copy(
            f"COPY analytics_post_staging ({_COLUMNS}, newest) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types([*_TYPES, "bool"])
            if rows is not None:
                for row in rows:
                    copy.write_row((*row, newest[row[0], row[1]] is row))
            else:
                for row in newest.values():
                    copy.write_row((*row, True))
        if rows is not None:
            # Names are this module's constants, never input.
            updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in POST_FIELDS)
            cursor.execute(
                f"INSERT INTO analytics_postsnapshot ({_COLUMNS}, source) "  # noqa: S608
                f"SELECT {_COLUMNS}, %s FROM analytics_post_staging "
                "ON CONFLICT (channel_id, external_id, taken_at) DO UPDATE SET "
                f"{updates}, variant_id = EXCLUDED.variant_id, "
                "published_at = EXCLUDED.published_at, source = EXCLUDED.source",
                [source],
            )
        # The posts' days as published before (where that differs) and now: they change.
        published = {(row[0], row[3]) for row in newest.values()}
        cursor.execute(
            "SELECT l.channel_id, l.published_at FROM analytics_postlatest l "
            "JOIN analytics_post_staging s ON s.channel_id = l.channel_id "
            "AND s.external_id = l.external_id WHERE s.newest "
            "AND s.published_at IS NOT NULL AND l.published_at <> s.published_at"
        )
        published.update(cursor.fetchall())
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in POST_FIELDS)
        cursor.execute(
            f"INSERT INTO analytics_postlatest ({_COLUMNS}, source) "  # noqa: S608
            f"SELECT {_COLUMNS}, %s FROM analytics_post_staging WHERE newest "
            "ON CONFLICT (channel_id, external_id) DO UPDATE SET "
            f"{updates}, variant_id = EXCLUDED.variant_id, taken_at = EXCLUDED.taken_at, "
            # A reading without its publication time keeps the one known.
            "published_at = COALESCE(EXCLUDED.published_at, analytics_postlatest.published_at), "
            "source = EXCLUDED.source WHERE analytics_postlatest.taken_at <= EXCLUDED.taken_at",
            [source],
        )
    return published
