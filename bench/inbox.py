"""Inbox webhook ingestion over real HTTP: rate, answer time, nothing lost, nothing twice.

The Django application runs in a separate process under Django's threaded WSGI server (the
one ``runserver`` uses, without autoreload or debug); this process posts VK Callback API
``message_new`` events to the channel's webhook address with the right secret, sends every
tenth event a second time (as VK does when an answer is late), then checks the database:
every distinct event stored exactly once.

The database is a fresh SQLite file unless VITRINA_DATABASE_URL points elsewhere (for
PostgreSQL: ``VITRINA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME``).
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SECRET = "bench-webhook-secret"
GROUP_ID = 424242


def setup_environment():
    os.environ.setdefault("VITRINA_DEMO", "1")
    os.environ.setdefault("VITRINA_DATA_DIR", tempfile.mkdtemp(prefix="vitrina-bench-"))
    if "VITRINA_DATABASE_URL" not in os.environ:
        os.environ["VITRINA_DATABASE_URL"] = (
            f"sqlite:///{os.environ['VITRINA_DATA_DIR']}/bench.sqlite3"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    os.environ["VITRINA_DEBUG"] = "0"
    import django

    django.setup()


def serve(port: int):
    """The server process: the whole Django application, as in production."""
    setup_environment()
    import logging

    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def setup(self):
            super().setup()
            # Headers and body go out in separate writes: without this, Nagle's algorithm
            # and the client's delayed ACK add ~40 ms to every answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args):
            pass

    logging.disable(logging.WARNING)
    server = ThreadedWSGIServer(("127.0.0.1", port), QuietHandler)
    server.set_app(get_wsgi_application())
    server.serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare():
    from django.core.management import call_command

    from vitrina.channels.models import Channel
    from vitrina.channels.networks import ConnectionState, Kind, Network, SecretKind
    from vitrina.channels.services import channel_secret_set
    from vitrina.core.models import Library, Organisation
    from vitrina.inbox.receiving import channel_inbox

    call_command("migrate", interactive=False, verbosity=0)
    from vitrina.core.models import Membership, User
    from vitrina.core.roles import Role

    suffix = f"{os.getpid()}-{int(time.time())}"
    organisation = Organisation.objects.create(name="Benchmark", slug=f"bench-{suffix}")
    library = Library.objects.create(organisation=organisation, name="Библиотека")
    channel = Channel.objects.create(
        organisation=organisation,
        library=library,
        network=Network.VK,
        kind=Kind.GROUP,
        name="Бенчмарк",
        external_id=str(GROUP_ID),
        connection_state=ConnectionState.CONNECTED,
    )
    channel_secret_set(channel=channel, kind=SecretKind.WEBHOOK_SECRET, value=SECRET, actor=None)
    user = User.objects.create(username=f"bench-{suffix}")
    Membership.objects.create(user=user, organisation=organisation, role=Role.REFERENCE)
    return channel, channel_inbox(channel), user


def spread(channel, user):
    """Channels of every network in two libraries and colleagues to assign, as an
    organisation with a long history has them."""
    from vitrina.channels.models import Channel
    from vitrina.channels.networks import ConnectionState, Kind, Network
    from vitrina.core.models import Library, Membership, User
    from vitrina.core.roles import Role

    organisation = channel.organisation
    branch = Library.objects.create(organisation=organisation, name="Филиал")
    channels = [channel]
    for number, network in enumerate([Network.OK, Network.TELEGRAM, Network.MAX]):
        channels.append(
            Channel.objects.create(
                organisation=organisation,
                library=branch if number % 2 == 0 else channel.library,
                network=network,
                kind=Kind.GROUP if network == Network.OK else Kind.CHANNEL,
                name=f"Бенчмарк {network}",
                external_id=str(GROUP_ID + number + 1),
                connection_state=ConnectionState.CONNECTED,
            )
        )
    members = [Membership.objects.get(user=user, organisation=organisation)]
    for number in range(2):
        colleague = User.objects.create(username=f"{user.username}-{number}")
        members.append(
            Membership.objects.create(user=colleague, organisation=organisation, role=Role.EDITOR)
        )
    return channels, members


def list_cases(channels, members) -> list[tuple[str, dict]]:
    """The list page and each of its filters, on values that exist in the history."""
    library = next(c.library for c in channels if c.library_id != channels[0].library_id)
    return [
        ("list", {}),
        ("network", {"network": channels[2].network}),
        ("library", {"library": library.pk}),
        ("channel", {"channel": channels[3].pk}),
        ("status", {"status": "new"}),
        ("assignee", {"assignee": members[1].pk}),
        ("tag", {"tag": "complaint"}),
        ("unread", {"unread": "on"}),
        ("network_unread", {"network": channels[0].network, "unread": "on"}),
        ("flagged", {"flagged": "on"}),
        ("overdue", {"overdue": "on"}),
        ("page_50", {"page": 50}),
    ]


def list_times(user, organisation_slug: str, cases, rounds: int) -> tuple[dict, dict]:
    """Server time of the inbox list for each case, and the part of it spent in the
    database's queries: p95 in ms."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("inbox:list", kwargs={"org": organisation_slug})
    spent = []

    def timed(execute, sql, params, many, context):
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[-1] += time.perf_counter() - begun

    results, queries = {}, {}
    with connection.execute_wrapper(timed):
        for name, params in cases:
            spent.append(0.0)
            client.get(url, params)  # templates compiled, caches warm
            times, spent[:] = [], []
            for _round in range(rounds):
                spent.append(0.0)
                begun = time.perf_counter()
                response = client.get(url, params)
                times.append(time.perf_counter() - begun)
                assert response.status_code == 200
                assert b"inbox-table" in response.content
            results[name] = percentile(times, 0.95) * 1000
            queries[name] = percentile(spent, 0.95) * 1000
    return results, queries


# The states of a long history: most conversations closed, a few still open.
STATUSES = ["closed"] * 7 + ["waiting", "in_progress", "new"]
TAGS = ["question", "review", "thanks", "complaint", "renewal", "reference"]


def fill_inbox(channels, members, messages: int, per_thread: int = 5) -> None:
    """More history for timing the list: readers' conversations of a few messages each,
    spread over the channels, statuses, colleagues and tags."""
    from datetime import timedelta

    from django.utils import timezone

    from vitrina.inbox.models import Direction, Message, Thread, ThreadTag

    now = timezone.now()
    batch = 20_000
    for start in range(0, max(messages, 0), batch):
        count = min(batch, messages - start)
        threads = []
        for number in range(start, start + count, per_thread):
            index = number // per_thread
            moment = now - timedelta(minutes=number)
            status = STATUSES[index % len(STATUSES)]
            open_ = status in ("new", "in_progress")
            threads.append(
                Thread(
                    organisation_id=channels[0].organisation_id,
                    channel=channels[index % len(channels)],
                    kind="message",
                    external_thread=f"h{number}",
                    reader_id=f"h{number}",
                    reader_name=f"Читатель {number}",
                    status=status,
                    assignee=members[index % 3] if index % 3 and status != "new" else None,
                    last_message_at=moment,
                    first_inbound_at=moment,
                    awaiting_since=moment if open_ else None,
                    first_answer_at=None if open_ else moment,
                    unread=(index % 4) + 1 if open_ else 0,
                    flagged=index % 97 == 0,
                )
            )
        Thread.objects.bulk_create(threads)
        ThreadTag.objects.bulk_create(
            ThreadTag(thread=thread, tag=TAGS[number % len(TAGS)])
            for number, thread in enumerate(threads)
            if number % 5 == 0
        )
        Message.objects.bulk_create(
            Message(
                thread=thread,
                channel=thread.channel,
                kind="message",
                direction=Direction.IN,
                external_id=f"h{thread.external_thread}-{part}",
                text="Здравствуйте! Можно продлить книгу?",
                author_id=thread.reader_id,
                created_at=thread.last_message_at,
            )
            for thread in threads
            for part in range(per_thread)
        )
        print(f"  {start + count} messages of history loaded")


def event(number: int) -> bytes:
    body = {
        "type": "message_new",
        "group_id": GROUP_ID,
        "secret": SECRET,
        "event_id": f"bench{number}",
        "object": {
            "message": {
                "id": number,
                "peer_id": 2_000_000 + number % 5000,
                "from_id": 2_000_000 + number % 5000,
                "date": 1_763_800_000 + number,
                "text": f"Здравствуйте! Можно продлить книгу № {number}?",
            }
        },
    }
    return json.dumps(body, ensure_ascii=False).encode()


def wait_ready(client, url: str):
    import httpx

    for _attempt in range(200):
        try:
            client.post(url, content=b"{}")
            return
        except httpx.TransportError:  # the server is still starting
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def analyze():
    """Fresh statistics for the planner, as autovacuum keeps them after a bulk load."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE inbox_thread, inbox_threadtag, inbox_message")


def time_list(channel, user, wanted: int, rounds: int) -> tuple[dict, dict, int, int]:
    from vitrina.inbox.models import Message

    channels, members = spread(channel, user)
    fill_inbox(channels, members, wanted - Message.objects.filter(channel=channel).count())
    analyze()
    organisation = channel.organisation
    threads = organisation.inbox_threads.count()
    total = Message.objects.filter(thread__organisation=organisation).count()
    cases = list_cases(channels, members)
    listing, queries = list_times(user, organisation.slug, cases, rounds)
    return listing, queries, threads, total


def list_line(listing: dict[str, float]) -> str:
    worst = max(listing, key=listing.get)
    figures = " ".join(f"{name}_p95_ms={value:.1f}" for name, value in listing.items())
    return f"{figures} worst={worst} worst_p95_ms={listing[worst]:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 events instead of 100,000")
    parser.add_argument("--events", type=int, help="how many distinct events to send")
    parser.add_argument(
        "--list-messages",
        type=int,
        nargs="?",
        const=1_000_000,
        metavar="N",
        help="time only the inbox list and its filters over N messages (default 1,000,000; "
        "20,000 with --quick), sending no events",
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    count = args.events or (3_000 if args.quick else 100_000)
    rounds = 20 if args.quick else 100

    setup_environment()
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)

    from vitrina.inbox.models import Message

    channel, inbox, user = prepare()
    database = os.environ["VITRINA_DATABASE_URL"].split(":")[0]
    if args.list_messages is not None:
        wanted = 20_000 if args.quick and args.list_messages == 1_000_000 else args.list_messages
        listing, queries, threads, total = time_list(channel, user, wanted, rounds)
        print(f"database: {database}; server time p95 (of it in queries p95):")
        for name, value in listing.items():
            print(f"  {name:15} {value:7.1f} ms ({queries[name]:.1f} ms)")
        print(
            f"inbox_list: messages={total} threads={threads} rounds={rounds} {list_line(listing)}"
        )
        return

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)], env=os.environ.copy()
    )
    url = f"http://127.0.0.1:{port}/hooks/vk/{inbox.hook_token}/"
    try:
        with httpx.Client(timeout=30) as client:
            wait_ready(client, url)
            times, failures, sent = [], 0, 0
            started = time.perf_counter()
            for number in range(1, count + 1):
                copies = 2 if number % 10 == 0 else 1
                body = event(number)
                for _copy in range(copies):
                    begun = time.perf_counter()
                    response = client.post(url, content=body)
                    times.append(time.perf_counter() - begun)
                    sent += 1
                    if response.status_code != 200 or response.text != "ok":
                        failures += 1
                if number % 10_000 == 0:
                    print(f"  {number} events, {sent / (time.perf_counter() - started):.0f}/s")
            elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)

    stored = Message.objects.filter(channel=channel).count()
    distinct = Message.objects.filter(channel=channel).values("external_id").distinct().count()
    lost = count - distinct
    duplicated = stored - distinct
    rate = sent / elapsed
    p50 = statistics.median(times) * 1000
    p99 = percentile(times, 0.99) * 1000
    wanted = 20_000 if args.quick else 1_000_000
    listing, queries, threads, total = time_list(channel, user, wanted, rounds)
    print(f"database: {database}")
    print(f"inbox list over {threads} conversations and {total} messages, server time p95:")
    for name, value in listing.items():
        print(f"  {name:15} {value:7.1f} ms (in queries {queries[name]:.1f} ms)")
    print(f"sent {sent} requests ({count} distinct events, {sent - count} repeats)")
    print(f"{rate:.0f} requests a second, answer p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"stored {stored}, lost {lost}, duplicated {duplicated}, refused {failures}")
    print(
        f"inbox: events={count} requests={sent} rps={rate:.0f} p50_ms={p50:.1f} "
        f"p99_ms={p99:.1f} lost={lost} duplicated={duplicated} failed={failures} "
        f"list_messages={total} {list_line(listing)}"
    )


if __name__ == "__main__":
    main()
