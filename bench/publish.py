"""The publishing engine under load: a burst, a steady stream and chaos.

Runs the real thing: PostgreSQL, Redis as broker and limiter, one ``vitrina scheduler``
process, two ``vitrina worker`` processes (Celery, threads) and the sandbox in its own
process with the networks' rate limits enforced. Every figure comes from the database and
from the sandbox's own walls:

* lateness   — when the publication was confirmed minus when it was due;
* duplicates — posts on the emulated walls beyond one per published variant;
* lost       — variants neither published nor waiting for a person's check;
* provoked   — rate-limit errors the networks answered (Vitrina's own limiter must
  keep every token under its limit, so this should stay 0).

    python bench/publish.py            # 1,000 channels / 10,000 variants, 10 min steady
    python bench/publish.py --quick    # 100 channels / 1,000 variants, 30 s steady
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx

DATABASE = "vitrina_bench"
REDIS_DB = 13
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from services import drop_database, flush_redis, recreate_database, start_sandbox  # noqa: E402

os.environ.update(
    {
        "VITRINA_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "VITRINA_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "VITRINA_SECRET_KEY": "bench-" + "x" * 50,
        "VITRINA_TOKEN_KEY": "kVJ0b5Yk3p6m1lUu0vH4n9o8hY2q7c5Zx3a1s2d4f6g=",
        "VITRINA_DATA_DIR": "/tmp/vitrina-bench",
        "VITRINA_PUBLISH_LEASE_SECONDS": "30",
        "VITRINA_NETWORK_TIMEOUT": "5",
        "VITRINA_SCHEDULER_INTERVAL_SECONDS": "0.25",
        # The scheduler runs every periodic job; these figures are publishing's alone.
        "VITRINA_INBOX_POLL_SECONDS": "0",
        "VITRINA_PUBLISH_MAX_IN_FLIGHT": "600",
        "VITRINA_WORKER_CONCURRENCY": "8",
        "VITRINA_LOG_LEVEL": "WARNING",
        "VITRINA_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "vitrina.settings",
    }
)

NETWORK_MIX = [("vk", 0.4), ("ok", 0.2), ("telegram", 0.2), ("max", 0.2)]
SANDBOX_KIND = {"vk": "community", "ok": "group", "telegram": "channel", "max": "channel"}
PUBLISH_METHODS = {
    "vk": "wall.post",
    "ok": "mediatopic.post",
    "telegram": "sendMessage",
    "max": "messages.send",
}
PROVOKED_CODES = {"6", "9", "29", "8", "429"}


def vitrina(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "vitrina.cli", *args], cwd=ROOT)


class Run:
    """The organisation, channels and sandbox accounts of one scenario."""

    def __init__(self, sandbox: str, channels: int):
        from vitrina.channels.models import Channel, ChannelSecret
        from vitrina.channels.networks import Kind
        from vitrina.core import crypto
        from vitrina.core.models import Library, Organisation

        self.http = httpx.Client(base_url=sandbox, timeout=60)
        self.http.post("/sandbox/control/reset").raise_for_status()
        stamp = int(time.time() * 1000)
        self.organisation = Organisation.objects.create(
            name=f"Бенчмарк {stamp}", slug=f"bench-{stamp}", retry_window_hours=6
        )
        library = Library.objects.create(organisation=self.organisation, name="Библиотека")
        kinds = {"vk": Kind.GROUP, "ok": Kind.GROUP, "telegram": Kind.CHANNEL, "max": Kind.CHANNEL}
        secret_kind = {
            "user": "user_token",
            "community": "community_token",
            "access_token": "user_token",
            "bot": "bot_token",
        }
        networks = []
        for network, share in NETWORK_MIX:
            networks += [network] * round(channels * share)
        self.sandbox_keys = {}
        rows, secrets = [], []
        for number, network in enumerate(networks[:channels]):
            account = self.http.post(
                "/sandbox/control/accounts",
                json={
                    "network": network,
                    "kind": SANDBOX_KIND[network],
                    "screen_name": f"b{stamp}n{number}",
                    "name": f"Канал {number}",
                },
            ).json()
            channel = Channel(
                organisation=self.organisation,
                library=library,
                network=network,
                kind=kinds[network],
                name=account["name"],
                url=account["url"],
                external_id=str(account["external_id"]),
                connection_state="connected",
            )
            rows.append((channel, account))
        Channel.objects.bulk_create([channel for channel, _account in rows])
        for channel, account in rows:
            self.sandbox_keys[channel.pk] = account["key"]
            for name, value in account["tokens"].items():
                if name in secret_kind:
                    secrets.append(
                        ChannelSecret(
                            channel=channel,
                            kind=secret_kind[name],
                            ciphertext=crypto.encrypt(value),
                        )
                    )
        ChannelSecret.objects.bulk_create(secrets)
        self.channels = [channel for channel, _account in rows]

    def schedule(self, times) -> list[int]:
        """One variant per (channel, time) pair, each on its own post."""
        from vitrina.content.models import Post, Variant

        posts = [
            Post(
                organisation=self.organisation,
                text=f"Пост {index}: новые книги в фонде. {channel.pk}-{due.timestamp():.3f}",
                scheduled_at=due,
            )
            for index, (channel, due) in enumerate(times)
        ]
        Post.objects.bulk_create(posts, batch_size=2000)
        variants = [
            Variant(
                post=post,
                channel=channel,
                text=post.text,
                scheduled_at=due,
                state="scheduled",
            )
            for post, (channel, due) in zip(posts, times, strict=True)
        ]
        Variant.objects.bulk_create(variants, batch_size=2000)
        return [variant.pk for variant in variants]

    def fault(self, **rule):
        self.http.post("/sandbox/control/faults", json=rule).raise_for_status()

    def wall_counts(self) -> dict[str, int]:
        return {a["key"]: a["posts"] for a in self.http.get("/sandbox/control/accounts").json()}


def wait_until_settled(variant_ids, deadline: float, on_progress=None) -> None:
    from vitrina.content.models import Variant

    settled = {"published", "failed", "needs_check", "needs_reconnect"}
    while time.time() < deadline:
        open_count = Variant.objects.filter(pk__in=variant_ids).exclude(state__in=settled).count()
        if on_progress:
            on_progress(len(variant_ids) - open_count)
        if open_count == 0:
            return
        time.sleep(0.5)


def measure(run: Run, variant_ids: list[int]) -> dict:
    from django.db.models import Count

    from vitrina.content.models import Variant
    from vitrina.publishing.models import PublishAttempt

    variants = list(
        Variant.objects.filter(pk__in=variant_ids).values(
            "pk", "channel_id", "state", "scheduled_at"
        )
    )
    confirmed = dict(
        PublishAttempt.objects.filter(
            variant_id__in=variant_ids, outcome__in=["published", "found"]
        ).values_list("variant_id", "finished_at")
    )
    lateness = sorted(
        (confirmed[v["pk"]] - v["scheduled_at"]).total_seconds()
        for v in variants
        if v["pk"] in confirmed
    )
    published = [v for v in variants if v["state"] == "published"]
    per_channel = {}
    for variant in published:
        per_channel[variant["channel_id"]] = per_channel.get(variant["channel_id"], 0) + 1
    # A variant waiting for a person's check lost its answer on a network that cannot be
    # asked (Telegram): its post is on the wall once, and counts as such.
    for variant in variants:
        if variant["state"] == "needs_check":
            per_channel[variant["channel_id"]] = per_channel.get(variant["channel_id"], 0) + 1
    walls = run.wall_counts()
    duplicates = sum(
        max(0, walls.get(run.sandbox_keys[channel.pk], 0) - per_channel.get(channel.pk, 0))
        for channel in run.channels
    )
    states = Counter(v["state"] for v in variants)
    provoked = PublishAttempt.objects.filter(
        variant_id__in=variant_ids,
        outcome="rate_limited",
        network_code__in=PROVOKED_CODES,
    ).count()
    outcomes = dict(
        PublishAttempt.objects.filter(variant_id__in=variant_ids)
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    first_due = min(v["scheduled_at"] for v in variants)
    last_done = max(confirmed.values()) if confirmed else first_due
    span = max((last_done - first_due).total_seconds(), 0.001)

    def pct(p):
        if not lateness:
            return float("nan")
        return lateness[min(len(lateness) - 1, round(p / 100 * (len(lateness) - 1)))]

    return {
        "variants": len(variants),
        "published": len(published),
        "needs_check": states.get("needs_check", 0),
        "failed": states.get("failed", 0),
        "lost": len(variants) - len(published) - states.get("needs_check", 0),
        "duplicates": duplicates,
        "provoked": provoked,
        "throughput": len(confirmed) / span,
        "p50": statistics.median(lateness) if lateness else float("nan"),
        "p99": pct(99),
        "max": lateness[-1] if lateness else float("nan"),
        "outcomes": outcomes,
    }


def show(name: str, result: dict) -> None:
    print(
        f"{name:7} {result['variants']:6} variants  published {result['published']:6}  "
        f"{result['throughput']:7.1f}/s  lateness p50 {result['p50']:6.2f}s "
        f"p99 {result['p99']:6.2f}s max {result['max']:6.2f}s  duplicates {result['duplicates']}  "
        f"lost {result['lost']}  needs check {result['needs_check']}  failed {result['failed']}  "
        f"provoked limits {result['provoked']}"
    )
    print(f"        attempts: {result['outcomes']}")


def burst(sandbox_url, channels, per_channel, *, chaos=None, workers=None) -> dict:
    from django.utils import timezone

    run = Run(sandbox_url, channels)
    due = timezone.now() + timedelta(seconds=5)
    ids = run.schedule([(channel, due) for channel in run.channels for _n in range(per_channel)])
    if chaos:
        for network, method in PUBLISH_METHODS.items():
            run.fault(network=network, method=method, error_rate=0.05, drop_rate=0.02)
    killed = []

    def progress(done):
        if chaos and not killed and done >= len(ids) // 3:
            victim = workers[0]
            victim.send_signal(signal.SIGKILL)
            killed.append(done)
            print(f"        killed worker {victim.pid} after {done} of {len(ids)} variants")

    wait_until_settled(ids, time.time() + (600 if chaos else 300), progress)
    if chaos:
        run.http.delete("/sandbox/control/faults")
    return measure(run, ids)


def steady(sandbox_url, channels, per_minute, minutes) -> dict:
    from django.utils import timezone

    run = Run(sandbox_url, channels)
    start = timezone.now() + timedelta(seconds=5)
    count = int(per_minute * minutes)
    step = 60 / per_minute
    times = [
        (run.channels[index % len(run.channels)], start + timedelta(seconds=index * step))
        for index in range(count)
    ]
    ids = run.schedule(times)
    wait_until_settled(ids, time.time() + minutes * 60 + 120)
    return measure(run, ids)


def calendar(sandbox_url, years: int, channels: int, requests: int) -> dict:
    """Server time of the calendar's month feed for an organisation with years of posts."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from vitrina.content.models import Post, Variant
    from vitrina.core.models import Membership, User

    run = Run(sandbox_url, channels)
    now = timezone.now()
    posts, variants = [], []
    # About five posts a week on each of the channels, for years.
    for day in range(years * 365):
        for number, channel in enumerate(run.channels):
            if (day + number) % 7 in (0, 3):
                continue
            due = now - timedelta(days=day, hours=number % 9)
            posts.append(Post(organisation=run.organisation, text=f"Пост {day}", scheduled_at=due))
            variants.append((channel, due))
    Post.objects.bulk_create(posts, batch_size=5000)
    Variant.objects.bulk_create(
        [
            Variant(post=post, channel=channel, text=post.text, scheduled_at=due, state="published")
            for post, (channel, due) in zip(posts, variants, strict=True)
        ],
        batch_size=5000,
    )
    user = User.objects.create_user(username=f"cal{run.organisation.pk}", password="x")
    Membership.objects.create(user=user, organisation=run.organisation, role="admin")
    client = Client()
    client.force_login(user)
    url = reverse("content:calendar-events", kwargs={"org": run.organisation.slug})
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    params = {"start": month.isoformat(), "end": (month + timedelta(days=35)).isoformat()}
    timings = []
    for _request in range(requests):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    timings.sort()
    events = len(response.json())
    return {
        "posts": len(posts),
        "events": events,
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(0.95 * (len(timings) - 1))] * 1000,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run under a minute")
    parser.add_argument(
        "--only",
        choices=["burst", "steady", "chaos", "calendar"],
        help="run one scenario (for tuning)",
    )
    args = parser.parse_args()
    wanted = {args.only} if args.only else {"burst", "steady", "chaos", "calendar"}
    empty = {
        "variants": 0,
        "published": 0,
        "needs_check": 0,
        "failed": 0,
        "lost": 0,
        "duplicates": 0,
        "provoked": 0,
        "throughput": 0.0,
        "p50": float("nan"),
        "p99": float("nan"),
        "max": float("nan"),
        "outcomes": {},
    }
    if args.quick:
        channels, per_channel, per_minute, minutes = 100, 10, 100, 0.5
    else:
        channels, per_channel, per_minute, minutes = 1000, 10, 100, 10

    recreate_database(DATABASE)
    flush_redis()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sandbox, sandbox_url = start_sandbox("readers=False, vk_daily_posts=1000")
    os.environ["VITRINA_SANDBOX_URL"] = sandbox_url
    for name, path in [("VK", "vk"), ("OK", "ok"), ("TELEGRAM", "telegram"), ("MAX", "max")]:
        os.environ[f"VITRINA_{name}_API_URL"] = f"{sandbox_url}/{path}"
    apps = httpx.get(f"{sandbox_url}/sandbox/control/apps").json()
    os.environ["VITRINA_OK_APPLICATION_KEY"] = apps["ok"]["application_key"]
    os.environ["VITRINA_OK_CLIENT_SECRET"] = apps["ok"]["secret"]
    processes = [sandbox]
    try:
        workers = [vitrina("worker", "--loglevel", "WARNING") for _ in range(2)]
        scheduler = vitrina("scheduler")
        processes += [*workers, scheduler]
        time.sleep(3)
        print(f"publish: {channels} channels, 2 workers, PostgreSQL, Redis, sandbox {sandbox_url}")

        result_burst = result_steady = result_chaos = empty
        if "burst" in wanted:
            result_burst = burst(sandbox_url, channels, per_channel)
            show("burst", result_burst)
        if "steady" in wanted:
            result_steady = steady(sandbox_url, max(channels // 10, 10), per_minute, minutes)
            show("steady", result_steady)
        if "chaos" in wanted:
            result_chaos = burst(sandbox_url, channels, per_channel, chaos=True, workers=workers)
            show("chaos", result_chaos)
        result_calendar = {"posts": 0, "events": 0, "p50_ms": float("nan"), "p95_ms": float("nan")}
        if "calendar" in wanted:
            result_calendar = calendar(
                sandbox_url, 1 if args.quick else 5, 20, 20 if args.quick else 50
            )
            print(
                f"calendar {result_calendar['posts']} posts over the years, month feed "
                f"{result_calendar['events']} events: p50 {result_calendar['p50_ms']:.0f} ms, "
                f"p95 {result_calendar['p95_ms']:.0f} ms"
            )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        drop_database(DATABASE)

    fields = {
        "channels": channels,
        "burst_variants": result_burst["variants"],
        "burst_per_s": f"{result_burst['throughput']:.0f}",
        "burst_p50_s": f"{result_burst['p50']:.2f}",
        "burst_p99_s": f"{result_burst['p99']:.2f}",
        "burst_max_s": f"{result_burst['max']:.2f}",
        "burst_duplicates": result_burst["duplicates"],
        "burst_lost": result_burst["lost"],
        "burst_provoked_limits": result_burst["provoked"],
        "steady_p99_s": f"{result_steady['p99']:.2f}",
        "steady_lost": result_steady["lost"],
        "chaos_duplicates": result_chaos["duplicates"],
        "chaos_lost": result_chaos["lost"],
        "chaos_needs_check": result_chaos["needs_check"],
        "chaos_max_s": f"{result_chaos['max']:.2f}",
        "calendar_posts": result_calendar["posts"],
        "calendar_month_p95_ms": f"{result_calendar['p95_ms']:.0f}",
    }
    print("publish: " + " ".join(f"{key}={value}" for key, value in fields.items()))


if __name__ == "__main__":
    main()
