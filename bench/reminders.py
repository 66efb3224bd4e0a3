"""Reminders end to end: loans read from Koha, planned, and sent exactly once under faults.

Runs the real thing: PostgreSQL, Redis as the shared rate limiter, the sandbox in its own
process with the networks' limits enforced and its emulated Koha, and sender processes
that claim and send in threads. Linked readers' dialogs are opened in the sandbox; the
loans are generated in the emulated Koha. One round end to end: the loans are read
(``loans_sync``), the reminders planned (``reminders_plan``), some loans returned at the
desk, faults injected (network errors, lost answers, Koha failing now and then), and the
reminders sent while one sender is killed mid-way. Every figure comes from the database
and from the sandbox's own dialogs:

* due          — reminders planned (one per dialog, loan, due day and kind);
* sent         — of them, sent (several loans due the same day travel in one message);
* duplicates   — messages in the sandbox's dialogs beyond one per message sent;
* missed       — reminders neither sent nor rightly skipped, and messages recorded as sent
  that no dialog holds;
* after_return — reminders sent about a loan returned before the sending began;
* provoked_limits — rate-limit refusals the sandbox answered (the limiter keeps every
  token under its network's limit, so this should stay 0);
* round_seconds — from the first claim to the last reminder settled;
* round_floor_s — the least time the networks' own limits allow for the messages sent: each
  account at its provider's declared pace of direct messages, all accounts at once;
* round_to_floor — round_seconds over round_floor_s (1.0 would be the networks' own pace).

    python bench/reminders.py            # 100,000 loans of 20,000 readers, 20 channels
    python bench/reminders.py --quick    # 2,500 loans of 500 readers, under a minute
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx

DATABASE = "vitrina_bench_reminders"
REDIS_DB = 12
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
        "VITRINA_DATA_DIR": "/tmp/vitrina-bench-reminders",
        "VITRINA_NETWORK_TIMEOUT": "5",
        # A killed sender's claims come back after this; retries come quickly.
        "VITRINA_READERS_REMINDER_LEASE_SECONDS": "5",
        "VITRINA_READERS_REMINDER_BACKOFF_SECONDS": "1",
        "VITRINA_READERS_REMINDER_RECHECK_SECONDS": "1",
        "VITRINA_READERS_REMINDER_BATCH": "100",
        "VITRINA_LOG_LEVEL": "ERROR",
        "VITRINA_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "vitrina.settings",
    }
)

SANDBOX_KIND = {"vk": "community", "max": "channel"}
CHANNEL_KIND = {"vk": "group", "max": "channel"}
SECRET_KIND = {"community": "community_token", "user": "user_token", "bot": "bot_token"}
SEND_METHOD = {"vk": "messages.send", "max": "messages.send"}
FIRST_READER = 100000


SENDER = """
import cProfile, django, sys, threading
django.setup()
from vitrina.readers.services import reminder_sending
profiles, local, plain = [], threading.local(), reminder_sending._run

def profiled(*args):
    # cProfile sees one thread only: each sending thread keeps its own profile.
    if not hasattr(local, "profile"):
        local.profile = cProfile.Profile()
        profiles.append(local.profile)
    local.profile.enable()
    try:
        return plain(*args)
    finally:
        local.profile.disable()

if sys.argv[3]:
    reminder_sending._run = profiled
try:
    reminder_sending.reminders_send_due(threads=int(sys.argv[1]), worker=sys.argv[2], budget=0)
finally:
    if profiles:
        import pstats
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            stats.add(profile)
        stats.dump_stats(sys.argv[3])
"""
PROFILE_DIR = ""


def sender(threads: int, name: str) -> subprocess.Popen:
    profile = str(Path(PROFILE_DIR) / f"{name}.prof") if PROFILE_DIR else ""
    return subprocess.Popen([sys.executable, "-c", SENDER, str(threads), name, profile], cwd=ROOT)


class World:
    """The organisation, its channels, the Koha connection and the linked readers."""

    def __init__(self, sandbox: str, readers: int, loans: int, channels: int):
        from vitrina.channels.models import Channel, ChannelSecret
        from vitrina.core import crypto
        from vitrina.core.models import Library, Organisation
        from vitrina.readers.models import (
            Consent,
            IlsConnection,
            Reader,
            ReaderLink,
            ReminderSettings,
        )

        self.http = httpx.Client(base_url=sandbox, timeout=120)
        self.http.post("/sandbox/control/reset").raise_for_status()
        started = time.perf_counter()
        made = self.http.post(
            "/sandbox/control/koha/generate", json={"patrons": readers, "loans": loans, "seed": 7}
        )
        made.raise_for_status()
        print(f"koha: {made.json()['patrons']} patrons, {made.json()['loans']} current loans")
        credentials = self.http.get("/sandbox/control/koha/credentials").json()
        self.organisation = Organisation.objects.create(name="ЦБС Бенчмарк", slug="bench")
        self.library = Library.objects.create(
            organisation=self.organisation, name="Центральная библиотека"
        )
        # Every hour of the day, so the figures do not depend on when the bench runs.
        ReminderSettings.objects.create(
            library=self.library, send_from="00:00", send_until="23:59", daily_cap=10
        )
        self.connection = IlsConnection.objects.create(
            organisation=self.organisation,
            name="Koha",
            kind="koha",
            base_url=credentials["url"],
            username=credentials["username"],
            secret_ciphertext=crypto.encrypt(credentials["password"]),
        )
        networks = ["vk" if number % 3 else "max" for number in range(channels)]
        self.channels, self.keys, secrets = [], {}, []
        for number, network in enumerate(networks):
            account = self.http.post(
                "/sandbox/control/accounts",
                json={
                    "network": network,
                    "kind": SANDBOX_KIND[network],
                    "screen_name": f"rem{number}{network}",
                    "name": f"Библиотека {number}",
                },
            ).json()
            channel = Channel.objects.create(
                organisation=self.organisation,
                library=self.library,
                network=network,
                kind=CHANNEL_KIND[network],
                name=account["name"],
                url=account["url"],
                external_id=str(account["external_id"]),
                connection_state="connected",
            )
            self.channels.append(channel)
            self.keys[channel.pk] = account["key"]
            for name, value in account["tokens"].items():
                if name in SECRET_KIND and value:
                    secrets.append(
                        ChannelSecret(
                            channel=channel,
                            kind=SECRET_KIND[name],
                            ciphertext=crypto.encrypt(value),
                        )
                    )
        ChannelSecret.objects.bulk_create(secrets)
        rows = [
            Reader(
                organisation=self.organisation,
                library=self.library,
                connection=self.connection,
                card=f"K{number:07d}",
                ils_id=str(number),
            )
            for number in range(1, readers + 1)
        ]
        Reader.objects.bulk_create(rows, batch_size=5000)
        links, consents, dialogs = [], [], {}
        for index, reader in enumerate(rows):
            channel = self.channels[index % len(self.channels)]
            user = FIRST_READER + index
            links.append(ReaderLink(reader=reader, channel=channel, network_user_id=str(user)))
            consents.append(
                Consent(
                    reader=reader,
                    purpose="reminders",
                    text_version="1",
                    text_hash="0" * 64,
                    network=channel.network,
                )
            )
            dialogs.setdefault(self.keys[channel.pk], []).append(user)
        ReaderLink.objects.bulk_create(links, batch_size=5000)
        Consent.objects.bulk_create(consents, batch_size=5000)
        for key, users in dialogs.items():
            self.http.post(
                "/sandbox/control/dialogs/open", json={"account": key, "reader_ids": users}
            ).raise_for_status()
        self.links = {link.pk: link for link in ReaderLink.objects.select_related("channel")}
        print(
            f"setup: {readers} linked readers in {channels} channels "
            f"({networks.count('vk')} VK, {networks.count('max')} MAX) "
            f"in {time.perf_counter() - started:.1f} s"
        )

    def fault(self, **rule):
        self.http.post("/sandbox/control/faults", json=rule).raise_for_status()

    def outgoing(self) -> dict[int, int]:
        """Messages the sandbox's dialogs hold from the library, per link."""
        counts = {}
        for link in self.links.values():
            answer = self.http.get(
                "/sandbox/control/dialog",
                params={"account": self.keys[link.channel_id], "reader_id": link.network_user_id},
            )
            messages = answer.json().get("messages", []) if answer.status_code == 200 else []
            counts[link.pk] = sum(1 for message in messages if not message["incoming"])
        return counts


def round_floor(world) -> float:
    """Seconds the networks' own limits need for the messages this round sent: each
    account's messages at its provider's declared pace of direct messages, accounts side by
    side, and each dialog's at its dialog rate. No sender can finish the round sooner."""
    from vitrina.channels.providers.registry import provider_class
    from vitrina.readers.models import Reminder

    per_channel: Counter = Counter()
    per_link: Counter = Counter()
    for link_id, _key in (
        Reminder.objects.filter(state="sent").values_list("link_id", "message_key").distinct()
    ):
        per_channel[world.links[link_id].channel_id] += 1
        per_link[link_id] += 1
    channels = {link.channel_id: link.channel for link in world.links.values()}
    floor = 0.0
    for channel_id, count in per_channel.items():
        cls = provider_class(channels[channel_id].network)
        rate = cls.direct_messages_per_second() if cls else 0.0
        if rate:
            floor = max(floor, count / rate)
    for link_id, count in per_link.items():
        cls = provider_class(world.links[link_id].channel.network)
        if cls and cls.messaging.dialog_rate:
            floor = max(floor, count / cls.messaging.dialog_rate)
    return floor


def open_count() -> int:
    from vitrina.readers.models import Reminder

    return Reminder.objects.filter(state__in=["planned", "sending", "unknown"]).count()


def settle(deadline: float) -> None:
    """Rounds in this process until nothing is left to send: retries after their backoff,
    lost answers looked up, the killed sender's claims after their lease."""
    from django.utils import timezone

    from vitrina.readers.models import Reminder
    from vitrina.readers.services.reminder_sending import reminders_send_due

    while time.time() < deadline:
        reminders_send_due(threads=8, worker="bench-settle", budget=0)
        left = Reminder.objects.filter(state__in=["planned", "sending", "unknown"])
        # Unknown ones a person must check are not waited for.
        waiting = left.exclude(state="unknown", not_before__gt=timezone.now() + timedelta(days=1))
        if not waiting.exists():
            return
        time.sleep(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run under a minute")
    parser.add_argument(
        "--profile", metavar="DIR", default="", help="write each sender's cProfile to DIR"
    )
    args = parser.parse_args()
    global PROFILE_DIR
    PROFILE_DIR = args.profile
    # A stop asked from outside ends the run through ``finally`` too, so no sender, sandbox
    # or database is left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        readers, loans, channels, senders, threads = 500, 2500, 4, 2, 8
    else:
        readers, loans, channels, senders, threads = 20000, 100000, 20, 3, 16

    recreate_database(DATABASE)
    flush_redis()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sandbox, sandbox_url = start_sandbox("readers=False")
    os.environ["VITRINA_SANDBOX_URL"] = sandbox_url
    for name, path in [("VK", "vk"), ("OK", "ok"), ("TELEGRAM", "telegram"), ("MAX", "max")]:
        os.environ[f"VITRINA_{name}_API_URL"] = f"{sandbox_url}/{path}"
    from django.conf import settings

    for name, path in [("VK", "vk"), ("OK", "ok"), ("TELEGRAM", "telegram"), ("MAX", "max")]:
        setattr(settings, f"{name}_API_URL", f"{sandbox_url}/{path}")
    processes = [sandbox]
    figures = {}
    try:
        from vitrina.readers.models import Loan, Reminder
        from vitrina.readers.services.loans import loans_sync_connection
        from vitrina.readers.services.reminders import reminders_plan_round

        world = World(sandbox_url, readers, loans, channels)

        started = time.perf_counter()
        result = loans_sync_connection(connection=world.connection)
        if result.problem:
            raise SystemExit(f"the loans could not be read: {result.problem}")
        print(f"sync: {Loan.objects.count()} loans stored in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        reminders_plan_round()
        due = Reminder.objects.count()
        kinds = Counter(Reminder.objects.values_list("kind", flat=True))
        print(f"plan: {due} reminders in {time.perf_counter() - started:.1f} s: {dict(kinds)}")

        # Returned at the desk between planning and sending.
        returned = set()
        for loan_id in Reminder.objects.order_by("?").values_list("loan_id", flat=True)[
            : max(due // 50, 5)
        ]:
            answer = world.http.post("/sandbox/control/koha/return", json={"checkout_id": loan_id})
            if answer.status_code == 200:
                returned.add(loan_id)
        print(f"returned at the desk before sending: {len(returned)} loans")

        for network, method in SEND_METHOD.items():
            world.fault(network=network, method=method, error_rate=0.03, drop_rate=0.02)
        world.fault(network="koha", method="*", error_rate=0.01)

        started = time.perf_counter()
        workers = [sender(threads, f"bench-{number}") for number in range(senders)]
        processes += workers
        killed = False
        deadline = time.time() + (120 if args.quick else 1800)
        while time.time() < deadline and any(w.poll() is None for w in workers):
            sent = Reminder.objects.filter(state="sent").count()
            if not killed and sent >= due // 3:
                workers[0].send_signal(signal.SIGKILL)
                killed = True
                print(f"killed sender {workers[0].pid} after {sent} of {due} reminders")
            time.sleep(0.5)
        settle(deadline)
        round_seconds = time.perf_counter() - started
        world.http.delete("/sandbox/control/faults")

        states = Counter(Reminder.objects.values_list("state", flat=True))
        print(f"send: {dict(states)} in {round_seconds:.1f} s")
        keys_per_link: dict[int, set] = {}
        for link_id, key in (
            Reminder.objects.filter(state__in=["sent", "unknown"])
            .exclude(message_key="")
            .values_list("link_id", "message_key")
        ):
            keys_per_link.setdefault(link_id, set()).add(key)
        outgoing = world.outgoing()
        duplicates = sum(
            max(0, count - len(keys_per_link.get(link_id, ())))
            for link_id, count in outgoing.items()
        )
        not_in_dialog = sum(
            max(0, len(keys) - outgoing.get(link_id, 0)) for link_id, keys in keys_per_link.items()
        )
        missed = (
            states.get("failed", 0) + states.get("planned", 0) + states.get("sending", 0)
        ) + not_in_dialog
        after_return = Reminder.objects.filter(state="sent", loan_id__in=returned).count()
        limits = world.http.get("/sandbox/control/limits").json()["refusals"]
        attempts = Counter(
            Reminder.objects.filter(attempts__isnull=False).values_list(
                "attempts__outcome", flat=True
            )
        )
        print(f"attempts: {dict(attempts)}")
        print(f"messages in the dialogs: {sum(outgoing.values())}, rate-limit refusals {limits}")
        floor = round_floor(world)
        figures = {
            "round_floor_s": f"{floor:.0f}",
            "round_to_floor": f"{round_seconds / floor:.1f}" if floor else "n/a",
            "loans": Loan.objects.count(),
            "due": due,
            "sent": states.get("sent", 0),
            "duplicates": duplicates,
            "missed": missed,
            "after_return": after_return,
            "provoked_limits": sum(limits.values()),
            "round_seconds": f"{round_seconds:.0f}",
        }
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        from django.db import connections

        connections.close_all()
        drop_database(DATABASE)
    print("reminders: " + " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
