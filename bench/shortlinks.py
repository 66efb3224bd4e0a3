"""Short links under a burst: redirects served by the real web app, clicks counted exactly.

Runs what production runs: gunicorn serving ``vitrina.wsgi:application``, PostgreSQL, a
Redis of its own (a ``redis-server`` on a free port) and one ``vitrina scheduler`` whose
only job here is ``strategy.shortlinks``, the flush of buffered clicks to the database.
This process sends requests at a fixed rate (open loop: a slow answer does not slow the
sending) to a few short links: mostly distinct readers, some crawlers and some repeats
within the window, neither of which may be counted. Half-way the scheduler is killed
(SIGKILL) and started again, so a flush may stop anywhere.

At the end it waits for the last flush and compares the stored counts with what was sent:

* counted — clicks in the database;
* lost    — clicks that should count and are not in the database;
* doubled — clicks in the database beyond those that should count.

    python bench/shortlinks.py            # 60 s at 500 requests a second
    python bench/shortlinks.py --quick    # 12 s at 500 requests a second
    python bench/shortlinks.py --rate 800 --seconds 20 --workers 3
"""

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATABASE = "vitrina_bench_shortlinks"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
BOTS = [
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "TelegramBot (like TwitterBot)",
    "vkShare; +http://vk.com/dev/Share",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"shortlinks: nothing answered on port {port}")


class Processes:
    """Every process the benchmark starts, each in its own group, all ended at the end."""

    def __init__(self):
        self.running: list[subprocess.Popen] = []

    def start(self, args, **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(args, start_new_session=True, cwd=ROOT, **kwargs)
        self.running.append(process)
        return process

    def end(self, process: subprocess.Popen, sig=signal.SIGTERM) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        if process in self.running:
            self.running.remove(process)

    def end_all(self) -> None:
        for process in list(reversed(self.running)):
            self.end(process)


def database(action: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if action == "create":
            db.execute(f"CREATE DATABASE {DATABASE}")


def prepare(links: int) -> list[str]:
    """The organisation, its library's sites and the links; their codes."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from vitrina.core.models import Library, Organisation
    from vitrina.strategy.links import resource_of
    from vitrina.strategy.models import ShortLink

    organisation = Organisation.objects.create(slug="bench", name="Библиотека для замеров")
    library = Library.objects.create(
        organisation=organisation,
        name="Центральная библиотека",
        website_url="https://library.example.ru",
        catalogue_url="https://library.example.ru/opac",
        elibrary_url="https://elib.example.ru",
    )
    codes = []
    for number in range(links):
        url = [
            f"https://library.example.ru/opac/find?q={number}&utm_source=vk&utm_medium=social",
            f"https://library.example.ru/afisha/{number}",
            f"https://elib.example.ru/book/{number}",
        ][number % 3]
        match = resource_of(url, [library])
        link = ShortLink.objects.create(
            organisation=organisation,
            library=library,
            code=f"bench{number}",
            target_url=url,
            resource=match.resource,
        )
        codes.append(link.code)
    return codes


def stored_total() -> int:
    from django.db import connections
    from django.db.models import Sum

    from vitrina.strategy.models import ShortLinkClicks

    connections.close_all()
    return ShortLinkClicks.objects.aggregate(total=Sum("count"))["total"] or 0


async def _request(reader, writer, port: int, path: str, agent: str) -> int:
    """One GET over a kept-alive connection; the status."""
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {agent}\r\n"
            "Accept: text/html\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


def plan_requests(codes: list[str], total: int) -> tuple[list[tuple[str, str, bool]], int]:
    """Mostly distinct readers; 5 % crawlers and 5 % repeats, which must not count."""
    plan, expected, seen = [], 0, []
    generator = random.Random(17)
    for number in range(total):
        code = generator.choice(codes)
        roll = generator.random()
        if roll < 0.05:
            agent, counts = generator.choice(BOTS), False
        elif roll < 0.10 and seen:
            agent, code = generator.choice(seen)
            counts = False
        else:
            agent, counts = f"{BROWSER} reader/{number}", True
            seen.append((agent, code))
        plan.append((code, agent, counts))
        expected += counts
    return plan, expected


async def send(port: int, codes, rate: int, seconds: float, connections: int, kill_at=None):
    """Requests at ``rate`` a second for ``seconds`` (open loop: each is due at its time
    whatever the answers before it); the latency of each is counted from when it was due,
    so a request waiting for a free connection counts its wait."""
    total = int(rate * seconds)
    plan, expected = plan_requests(codes, total)
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    not_served = 0

    async def connection():
        nonlocal not_served
        reader = writer = None
        while True:
            item = await queue.get()
            if item is None:
                break
            due, code, agent, counts = item
            status = 0
            for _attempt in range(2):
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    status = await _request(reader, writer, port, f"/s/{code}", agent)
                    break
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    if writer is not None:
                        writer.close()
                    reader = writer = None
            latencies.append((time.perf_counter() - due) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            if status != 302 and counts:
                not_served += 1  # not served: it cannot be expected to count
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    started = time.perf_counter()
    for index, (code, agent, counts) in enumerate(plan):
        due = started + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if kill_at is not None and index == total // 2:
            kill_at()
        queue.put_nowait((due, code, agent, counts))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - started
    return {
        "requests": total,
        "elapsed": elapsed,
        "latencies": latencies,
        "statuses": statuses,
        "expected": expected - not_served,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 s instead of 60 s")
    parser.add_argument("--rate", type=int, default=500, help="requests a second")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    parser.add_argument("--links", type=int, default=12)
    parser.add_argument("--connections", type=int, default=32, help="kept-alive connections")
    args = parser.parse_args()
    seconds = args.seconds or (12 if args.quick else 60)

    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("shortlinks: redis-server is needed (apt-get install redis-server)")
    redis_port, web_port = free_port(), free_port()
    data_dir = tempfile.mkdtemp(prefix="vitrina-bench-shortlinks-")
    os.environ.update(
        {
            "VITRINA_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "VITRINA_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "VITRINA_SECRET_KEY": "bench-" + "x" * 50,
            "VITRINA_TOKEN_KEY": "kVJ0b5Yk3p6m1lUu0vH4n9o8hY2q7c5Zx3a1s2d4f6g=",
            "VITRINA_DATA_DIR": data_dir,
            "VITRINA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VITRINA_SITE_URL": f"http://127.0.0.1:{web_port}",
            "VITRINA_LOG_LEVEL": "WARNING",
            "VITRINA_SHORTLINK_FLUSH_SECONDS": "1",
            # The scheduler's other jobs are off: these figures are the short links' alone.
            "VITRINA_INBOX_POLL_SECONDS": "0",
            "VITRINA_COLLECT_INTERVAL_MINUTES": "0",
            "VITRINA_TOKEN_REFRESH_MINUTES": "0",
            "DJANGO_SETTINGS_MODULE": "vitrina.settings",
        }
    )
    processes = Processes()

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    database("create")
    try:
        processes.start(
            [redis_server, "--port", str(redis_port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(redis_port)
        codes = prepare(args.links)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        processes.start(
            [
                str(gunicorn),
                "vitrina.wsgi:application",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--bind",
                f"127.0.0.1:{web_port}",
                "--log-level",
                "warning",
                "--backlog",
                "2048",
            ]
        )
        scheduler_args = [sys.executable, "-m", "vitrina.cli", "scheduler"]
        scheduler = {"process": processes.start(scheduler_args)}
        wait_for_port(web_port)
        # Warm every worker's connections and imports (not counted: crawler's agent).
        # (A worker may still be loading the app on a busy machine: its first answer waits.)
        import httpx

        with httpx.Client(timeout=120) as warm:
            for code in codes * 4:
                warm.get(f"http://127.0.0.1:{web_port}/s/{code}", headers={"User-Agent": BOTS[0]})

        def restart_scheduler():
            processes.end(scheduler["process"], signal.SIGKILL)
            scheduler["process"] = processes.start(scheduler_args)

        print(
            f"shortlinks: gunicorn {args.workers}×{args.threads}, PostgreSQL, Redis; "
            f"{args.rate} requests a second for {seconds:g} s to {len(codes)} links"
        )
        result = asyncio.run(
            send(web_port, codes, args.rate, seconds, args.connections, kill_at=restart_scheduler)
        )

        # The last flush: the scheduler moves what is pending within a few seconds.
        from vitrina.strategy.clicks import pending_clicks

        deadline = time.monotonic() + 30
        while pending_clicks() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1.5)
        counted = stored_total()
    finally:
        processes.end_all()
        from django.db import connections

        connections.close_all()
        database("drop")
        shutil.rmtree(data_dir, ignore_errors=True)

    latencies = sorted(result["latencies"])
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    rps = result["requests"] / result["elapsed"]
    expected = result["expected"]
    lost, doubled = max(0, expected - counted), max(0, counted - expected)
    statuses = ", ".join(f"{code}: {count}" for code, count in sorted(result["statuses"].items()))
    print(f"answers {statuses}; p50 {p50:.1f} ms, max {latencies[-1]:.1f} ms")
    print(f"should count {expected} (crawlers and repeats left out), stored {counted}")
    print(
        f"shortlinks: requests={result['requests']} rps={rps:.0f} p99_ms={p99:.1f} "
        f"counted={counted} lost={lost} doubled={doubled}"
    )


if __name__ == "__main__":
    main()
