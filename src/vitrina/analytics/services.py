"""Writes of figures. Every write is an upsert on the snapshot's natural key, so collecting
or importing the same figures again changes nothing."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from vitrina.analytics.models import AccountSnapshot, PostLatest, PostSnapshot, Report, Source
from vitrina.analytics.schedule import hour_of
from vitrina.channels.models import Channel
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Library, Organisation, User

ACCOUNT_FIELDS = ["followers", "joined", "left", "visitors", "views", "reach"]
POST_FIELDS = ["views", "likes", "reposts", "comments", "reach"]


@dataclass
class AccountFigures:
    day: date
    followers: int | None = None
    joined: int | None = None
    left: int | None = None
    visitors: int | None = None
    views: int | None = None
    reach: int | None = None


@dataclass
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
    """Several channels' figures in one transaction (imports, bulk loads)."""
    rows = [row for channel, figures in batches.items() for row in _prepare(channel, figures)]
    if connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD:
        _post_rows_copy(rows, source)
    else:
        for channel in batches:
            _post_rows_orm(channel, [row for row in rows if row[0] == channel.pk], source)
    return len(rows)


# From this many rows a batch travels by COPY into a staging table (PostgreSQL only).
COPY_THRESHOLD = 500


def _prepare(channel: Channel, figures: list[PostFigures]) -> list[tuple]:
    """(channel, external id, variant, published, hour taken, figures) for each reading."""
    from vitrina.content.models import Variant

    wanted = {item.external_id for item in figures if item.variant_id is None}
    known = {
        external_id: (pk, published_at)
        for external_id, pk, published_at in Variant.objects.filter(
            channel=channel, external_id__in=wanted
        )
        .exclude(external_id="")
        .values_list("external_id", "id", "published_at")
    }
    rows = []
    for item in figures:
        values = {name: getattr(item, name) for name in POST_FIELDS}
        _check_counts(values)
        variant_id, published_at = known.get(item.external_id, (None, None))
        rows.append(
            (
                channel.pk,
                item.external_id,
                item.variant_id or variant_id,
                item.published_at or published_at,
                hour_of(item.taken_at),
                values,
            )
        )
    return rows


def _post_rows_orm(channel: Channel, rows: list, source: str) -> None:
    # One row per moment: PostgreSQL refuses to update a row twice in one statement.
    rows = list({(row[1], row[4]): row for row in rows}.values())
    PostSnapshot.objects.bulk_create(
        [
            PostSnapshot(
                channel=channel,
                external_id=external_id,
                variant_id=variant_id,
                published_at=published_at,
                taken_at=taken_at,
                source=source,
                **values,
            )
            for _channel, external_id, variant_id, published_at, taken_at, values in rows
        ],
        update_conflicts=True,
        unique_fields=["channel", "external_id", "taken_at"],
        update_fields=[*POST_FIELDS, "variant", "published_at", "source"],
    )
    newest = {}
    for row in rows:
        if row[1] not in newest or row[4] >= newest[row[1]][4]:
            newest[row[1]] = row
    stored = dict(
        PostLatest.objects.filter(channel=channel, external_id__in=newest).values_list(
            "external_id", "taken_at"
        )
    )
    PostLatest.objects.bulk_create(
        [
            PostLatest(
                channel=channel,
                external_id=external_id,
                variant_id=variant_id,
                published_at=published_at,
                taken_at=taken_at,
                source=source,
                **values,
            )
            for _channel, external_id, variant_id, published_at, taken_at, values in newest.values()
            if external_id not in stored or taken_at >= stored[external_id]
        ],
        update_conflicts=True,
        unique_fields=["channel", "external_id"],
        update_fields=[*POST_FIELDS, "variant", "published_at", "taken_at", "source"],
    )


_COLUMNS = "channel_id, external_id, variant_id, published_at, taken_at, " + ", ".join(POST_FIELDS)


def _post_rows_copy(rows: list, source: str) -> None:
    """COPY into a temporary table, then one upsert into the history and one into the
    latest figures: close to COPY's own speed, with the unique keys still guarding."""
    rows = list({(row[0], row[1], row[4]): row for row in rows}.values())
    # Column names are this module's constants, never input.
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in POST_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS analytics_staging (channel_id bigint, "
            "external_id varchar(100), variant_id bigint, published_at timestamptz, "
            "taken_at timestamptz, views integer, likes integer, reposts integer, "
            "comments integer, reach integer) ON COMMIT DELETE ROWS"
        )
        # Emptied at every commit; a second batch in one transaction must not see the first.
        cursor.execute("DELETE FROM analytics_staging")
        with cursor.copy(f"COPY analytics_staging ({_COLUMNS}) FROM STDIN") as copy:
            for channel_id, external_id, variant_id, published_at, taken_at, values in rows:
                copy.write_row(
                    (
                        channel_id,
                        external_id,
                        variant_id,
                        published_at,
                        taken_at,
                        *(values[name] for name in POST_FIELDS),
                    )
                )
        cursor.execute(
            f"INSERT INTO analytics_postsnapshot ({_COLUMNS}, source) "  # noqa: S608
            f"SELECT {_COLUMNS}, %s FROM analytics_staging "
            "ON CONFLICT (channel_id, external_id, taken_at) DO UPDATE SET "
            f"{updates}, variant_id = EXCLUDED.variant_id, "
            "published_at = EXCLUDED.published_at, source = EXCLUDED.source",
            [source],
        )
        cursor.execute(
            f"INSERT INTO analytics_postlatest ({_COLUMNS}, source) "  # noqa: S608
            f"SELECT DISTINCT ON (channel_id, external_id) {_COLUMNS}, %s "
            "FROM analytics_staging ORDER BY channel_id, external_id, taken_at DESC "
            "ON CONFLICT (channel_id, external_id) DO UPDATE SET "
            f"{updates}, variant_id = EXCLUDED.variant_id, taken_at = EXCLUDED.taken_at, "
            "published_at = EXCLUDED.published_at, source = EXCLUDED.source "
            "WHERE analytics_postlatest.taken_at <= EXCLUDED.taken_at",
            [source],
        )


@transaction.atomic
def report_save(
    *,
    organisation: Organisation,
    actor: User | None,
    title: str,
    date_from: date,
    date_to: date,
    library: Library | None = None,
    conclusions: str = "",
    growth_since: date | None = None,
    tag=None,
    report: Report | None = None,
) -> Report:
    if date_from > date_to:
        raise ServiceError("Начало периода позже его конца.")
    if growth_since is not None and growth_since > date_to:
        raise ServiceError(
            "Рост подписчиков нельзя считать с даты позже конца периода.", field="growth_since"
        )
    if library is not None and library.organisation_id != organisation.id:
        raise ServiceError("Библиотека из другой организации.")
    created = report is None
    report = report or Report(organisation=organisation)
    report.title, report.date_from, report.date_to = title, date_from, date_to
    report.library, report.conclusions = library, conclusions
    report.growth_since = growth_since
    if tag is not None and tag.organisation_id != organisation.id:
        raise ServiceError("Метка из другой организации.")
    report.tag = tag
    report.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="analytics.report_created" if created else "analytics.report_updated",
        obj=report,
    )
    return report
