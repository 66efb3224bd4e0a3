"""Analytics at scale on PostgreSQL: snapshot ingest against COPY, dashboard and report time.

    python bench/analytics.py            # 10 million post snapshots; 50 libraries, 200
                                         # channels and five years for the dashboards
    python bench/analytics.py --quick    # 100,000 snapshots and one year, under a minute

VITRINA_DATABASE_URL must point at a PostgreSQL database (the tables are migrated there);
the benchmark's organisation and the COPY table are removed afterwards.

1. Ingest: post snapshots stored through ``post_snapshots_save_many`` (the collectors'
   upsert for many channels in one transaction, in batches of 400,000 rows) against a
   plain ``COPY`` of the same rows into a table of the same shape, indexes and unique key,
   in the same run. Target: the upsert at least half COPY's rate.
2. Dashboards: server time of the dashboard page of the organisation, of one library and
   of one channel for the last year beside the year before (request through Django's test
   client, template rendered), p50 and p95 of each and the worst p95. Target < 300 ms.
   The data (account days and posts with four readings each) is written with COPY first,
   in the order collection writes it (day after day, posts as they are published), and
   the organisation's days summed as ``vitrina rebuild_organisation_figures`` does. One
   channel's collection of a year of readings is timed first (``channel_write_ms``).
3. Report: building the organisation's yearly report and writing the XLSX. Target < 10 s.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# Rows held before writing: each channel's share is one collection round's write.
BATCH = 400_000


def snapshot_rows(channel_ids: list[int], count: int, seed: int = 1):
    """``count`` post snapshots: posts spread over the channels, each read 10 times."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    per_post = 10
    for number in range(count // per_post):
        channel = channel_ids[number % len(channel_ids)]
        published = start + timedelta(minutes=number * 7)
        views = rng.randint(50, 3000)
        for reading in range(per_post):
            taken = (published + timedelta(hours=reading + 1)).replace(minute=0)
            part = (reading + 1) / per_post
            yield (
                channel,
                f"b{number}",
                published,
                taken,
                int(views * part),
                int(views * part / 30),
                int(views * part / 300),
                int(views * part / 200),
                int(views * part * 0.8),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="far fewer rows, under a minute")
    parser.add_argument("--rows", type=int, help="post snapshots to ingest")
    args = parser.parse_args()
    rows_wanted = args.rows or (100_000 if args.quick else 10_000_000)
    years = 1 if args.quick else 5
    posts_a_year = 50 if args.quick else 150
    os.environ.setdefault("VITRINA_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    if not os.environ.get("VITRINA_DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set VITRINA_DATABASE_URL to a PostgreSQL database.")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from vitrina.core.models import Organisation

    organisation = Organisation.objects.create(
        name="Бенчмарк аналитики", slug=f"bench-analytics-{os.getpid()}"
    )
    try:
        figures = run(organisation, rows_wanted, years, posts_a_year, 10 if args.quick else 20)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_copy")
        started = time.perf_counter()
        organisation.delete()
        print(f"cleanup in {time.perf_counter() - started:.1f} s")
    print("analytics: " + " ".join(f"{key}={value}" for key, value in figures.items()))


def run(organisation, rows_wanted: int, years: int, posts_a_year: int, requests: int) -> dict:
    from django.db import connection

    from vitrina.analytics.models import AccountSnapshot, PostLatest, PostSnapshot
    from vitrina.analytics.services.snapshots import PostFigures, post_snapshots_save_many
    from vitrina.channels.models import Channel
    from vitrina.core.models import Library

    libraries = Library.objects.bulk_create(
        Library(organisation=organisation, name=f"Библиотека {n + 1}") for n in range(50)
    )
    channels = Channel.objects.bulk_create(
        Channel(
            organisation=organisation,
            library=libraries[n % 50],
            network=("vk", "ok", "telegram", "max")[n % 4],
            kind="group",
            name=f"Канал {n + 1}",
            url=f"https://example.org/bench/{n + 1}",
        )
        for n in range(200)
    )
    channel_ids = [channel.pk for channel in channels]
    by_id = {channel.pk: channel for channel in channels}

    # 1. Ingest: the service's upsert, then COPY of the same rows.
    print(f"ingest: {rows_wanted:,} post snapshots over {len(channels)} channels")
    started = time.perf_counter()
    batch: dict[int, list] = {}
    pending = 0
    stored = 0
    for row in snapshot_rows(channel_ids, rows_wanted):
        channel, external_id, published, taken, views, likes, reposts, comments, reach = row
        batch.setdefault(channel, []).append(
            PostFigures(
                external_id=external_id,
                taken_at=taken,
                views=views,
                likes=likes,
                reposts=reposts,
                comments=comments,
                reach=reach,
                published_at=published,
            )
        )
        pending += 1
        if pending >= BATCH:
            stored += _flush(batch, by_id, post_snapshots_save_many)
            pending = 0
    stored += _flush(batch, by_id, post_snapshots_save_many)
    service_seconds = time.perf_counter() - started
    service_rate = stored / service_seconds
    print(
        f"  upsert service: {stored:,} rows in {service_seconds:.1f} s, {service_rate:,.0f} rows/s"
    )

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute("CREATE TABLE bench_copy (LIKE analytics_postsnapshot INCLUDING ALL)")
    columns = (
        "channel_id, external_id, published_at, taken_at, views, likes, reposts, comments, "
        "reach, source"
    )
    started = time.perf_counter()
    copied = 0
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy:
        for row in snapshot_rows(channel_ids, rows_wanted):
            copy.write_row((*row, "network"))
            copied += 1
    raw.commit()
    copy_seconds = time.perf_counter() - started
    copy_rate = copied / copy_seconds
    print(f"  plain COPY:     {copied:,} rows in {copy_seconds:.1f} s, {copy_rate:,.0f} rows/s")
    print(f"  upsert / COPY = {service_rate / copy_rate:.2f} (target ≥ 0.5)")
    # Running the same rows again stores nothing twice.
    before = PostSnapshot.objects.filter(channel__organisation=organisation).count()
    sample = {}
    for row in snapshot_rows(channel_ids, 1000):
        channel, external_id, published, taken, views, likes, reposts, comments, reach = row
        sample.setdefault(channel, []).append(
            PostFigures(
                external_id=external_id, taken_at=taken, views=views, published_at=published
            )
        )
    _flush(sample, by_id, post_snapshots_save_many)
    after = PostSnapshot.objects.filter(channel__organisation=organisation).count()
    assert before == after == stored, (before, after, stored)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy")
    PostSnapshot.objects.filter(channel__organisation=organisation).delete()
    PostLatest.objects.filter(channel__organisation=organisation).delete()
    with connection.cursor() as cursor:
        # The ingest's rows are gone; the dashboards should read tables holding their five
        # years, not seven times that in the dead space of the ingest test.
        cursor.execute("VACUUM FULL analytics_postsnapshot")
        cursor.execute("VACUUM FULL analytics_postlatest")

    # 2. Years of data for the dashboard, written with COPY (set-up, not timed).
    end = date(2025, 12, 31)
    started = time.perf_counter()
    posts = dashboard_data(organisation, channel_ids, end, years, posts_a_year)
    accounts = AccountSnapshot.objects.filter(channel__organisation=organisation).count()
    print(
        f"dashboard data: {len(libraries)} libraries, {len(channels)} channels, {years} years, "
        f"{accounts:,} account days, {posts:,} posts ({posts * 4:,} snapshots) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    refresh_ms = _collection_write(channels[0], end)
    dashboards = _dashboard_times(organisation, end, libraries[0], channels[0], requests)
    for name, timings in dashboards.items():
        p50, p95 = _percentiles(timings)
        print(
            f"  {name} dashboard, one year beside the previous: p50 {p50:.0f} ms, "
            f"p95 {p95:.0f} ms over {len(timings)} requests (target < 300 ms)"
        )
    worst = max(_percentiles(timings)[1] for timings in dashboards.values())
    print(f"  worst dashboard p95: {worst:.0f} ms (target < 300 ms)")

    from vitrina.analytics.export import report_xlsx
    from vitrina.analytics.report import build_report
    from vitrina.analytics.services.reports import report_save

    report = report_save(
        organisation=organisation,
        actor=None,
        title="Годовой отчёт",
        date_from=date(end.year, 1, 1),
        date_to=end,
    )
    started = time.perf_counter()
    content = report_xlsx(build_report(report))
    export_seconds = time.perf_counter() - started
    print(
        f"  report XLSX for the year: {export_seconds:.2f} s, "
        f"{len(content) / 1024:.0f} KB (target < 10 s)"
    )
    return {
        "database": connection.vendor,
        "rows": stored,
        "upsert_rows_per_second": round(service_rate),
        "copy_rows_per_second": round(copy_rate),
        "upsert_to_copy": round(service_rate / copy_rate, 2),
        "channels": len(channels),
        "years": years,
        **{
            f"dashboard_{name}_p95_ms": round(_percentiles(timings)[1])
            for name, timings in dashboards.items()
        },
        "dashboard_worst_p95_ms": round(worst),
        "channel_write_ms": round(refresh_ms),
        "report_seconds": round(export_seconds, 2),
    }


def _flush(batch: dict, by_id: dict, save) -> int:
    """One collection round of many channels, written in one transaction."""
    stored = save(batches={by_id[channel_id]: figures for channel_id, figures in batch.items()})
    batch.clear()
    return stored


def _collection_write(channel, end: date) -> float:
    """One channel's collection of a year of posts' figures (a reading of each of its
    posts of the year, as weekly re-reads bring), with the organisation's days they
    touch summed again: what every collection adds to the write."""
    from vitrina.analytics.models import PostLatest
    from vitrina.analytics.services.snapshots import PostFigures, post_snapshots_save

    taken = datetime.combine(end, datetime.min.time(), UTC) + timedelta(hours=12)
    posts = PostLatest.objects.filter(channel=channel, published_at__year=end.year).values_list(
        "external_id", "published_at", "views"
    )
    figures = [
        PostFigures(external_id=external, taken_at=taken, views=views + 1, published_at=at)
        for external, at, views in posts
    ]
    started = time.perf_counter()
    post_snapshots_save(channel=channel, figures=figures)
    elapsed = (time.perf_counter() - started) * 1000
    print(f"  one channel's year of readings ({len(figures)} posts) stored in {elapsed:.0f} ms")
    return elapsed


def _dashboard_times(organisation, end: date, library, channel, requests: int) -> dict:
    """Server time of the dashboard page (Django's test client, template rendered) for the
    organisation, one library and one channel."""
    from django.test import Client
    from django.urls import reverse

    from vitrina.core.models import Membership, User
    from vitrina.core.roles import Role

    user = User.objects.create_user(username=f"bench-{os.getpid()}", password="x")
    Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = reverse("analytics:dashboard", kwargs={"org": organisation.slug})
    period = {"date_from": date(end.year, 1, 1).isoformat(), "date_to": end.isoformat()}
    scopes = {
        "organisation": period,
        "library": {**period, "library": library.pk},
        "channel": {**period, "channel": channel.pk},
    }
    timings = {}
    for name, params in scopes.items():
        assert client.get(url, params).status_code == 200  # warm-up
        timings[name] = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url, params)
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    user.delete()
    return timings


def _percentiles(timings: list[float]) -> tuple[float, float]:
    return statistics.median(timings), sorted(timings)[int(0.95 * (len(timings) - 1))]


def dashboard_data(
    organisation, channel_ids: list[int], end: date, years: int, posts_a_year: int
) -> int:
    """Account days and posts (four readings each) for ``years`` up to ``end``, by COPY, in
    the order collection writes them: day after day, posts as they are published."""
    from django.db import connection

    raw = connection.connection
    first = end - timedelta(days=365 * years - 1)
    rng = random.Random(7)
    followers = {channel: rng.randint(200, 3000) for channel in channel_ids}
    posts = sorted(
        (
            datetime.combine(
                first + timedelta(days=rng.randrange(365 * years)), datetime.min.time(), UTC
            )
            + timedelta(hours=rng.randint(8, 20)),
            channel,
            f"p{number}",
            rng.randint(20, 2000),
        )
        for channel in channel_ids
        for number in range(posts_a_year * years)
    )
    with raw.cursor() as cursor:
        with cursor.copy(
            'COPY analytics_accountsnapshot (channel_id, day, followers, joined, "left", '
            "visitors, views, reach, source, updated_at) FROM STDIN"
        ) as copy:
            now = datetime.now(UTC)
            for offset in range((end - first).days + 1):
                for channel in channel_ids:
                    followers[channel] += rng.randint(0, 3)
                    visitors = rng.randint(0, 40)
                    copy.write_row(
                        (
                            channel,
                            first + timedelta(days=offset),
                            followers[channel],
                            2,
                            1,
                            visitors,
                            visitors * 3,
                            visitors * 5,
                            "network",
                            now,
                        )
                    )
        columns = (
            "channel_id, external_id, published_at, taken_at, views, likes, reposts, "
            "comments, reach, source"
        )
        with cursor.copy(f"COPY analytics_postsnapshot ({columns}) FROM STDIN") as copy:
            for published, channel, external_id, views in posts:
                for hours, part in ((1, 0.2), (24, 0.7), (24 * 7, 0.95), (24 * 30, 1.0)):
                    copy.write_row(
                        _post_row(channel, external_id, published, hours, int(views * part))
                    )
        # Each post's last reading, as the write path keeps it.
        with cursor.copy(f"COPY analytics_postlatest ({columns}) FROM STDIN") as copy:
            for published, channel, external_id, views in posts:
                copy.write_row(_post_row(channel, external_id, published, 24 * 30, views))
    raw.commit()
    # Written around the services: the organisation's days are summed as the command does.
    from vitrina.analytics.rollup import organisation_figures_rebuild

    started = time.perf_counter()
    organisation_figures_rebuild(organisation.pk)
    print(f"  organisation's days summed in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        # What autovacuum does to freshly written tables in production.
        for table in (
            "analytics_postsnapshot",
            "analytics_accountsnapshot",
            "analytics_postlatest",
            "analytics_organisationday",
            "analytics_postday",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return len(posts)


def _post_row(channel: int, external_id: str, published: datetime, hours: int, views: int):
    return (
        channel,
        external_id,
        published,
        published + timedelta(hours=hours),
        views,
        views // 30,
        views // 300,
        views // 200,
        int(views * 0.8),
        "network",
    )


if __name__ == "__main__":
    main()
