"""``vitrina sandbox``: serve the local emulators of the networks."""

from django.core.management.base import BaseCommand

from vitrina.sandbox.library_systems.irbis import DEFAULT_PORT as IRBIS_PORT
from vitrina.sandbox.networks import network_names
from vitrina.sandbox.server import port_free, serve
from vitrina.sandbox.state import Settings


class Command(BaseCommand):
    help = "Serve the sandbox: local emulators of the networks' APIs."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--irbis-port",
            type=int,
            default=IRBIS_PORT,
            help=f"the IRBIS64 emulator's TCP port (default {IRBIS_PORT}, IRBIS64's own; "
            "0 for any free port; taken: a free one)",
        )
        parser.add_argument("--seed", type=int, default=42, help="same seed, same world")
        parser.add_argument(
            "--fault",
            action="append",
            default=[],
            metavar="NETWORK[:METHOD]:key=value,...",
            help="inject a fault, e.g. vk:wall.post:error_rate=0.1,latency_ms=200 "
            "(keys: error_rate, error, latency_ms, timeout_rate, timeout_seconds, "
            "drop_rate, count, longpoll_failed)",
        )
        parser.add_argument("--state-file", help="keep the state in this JSON file")
        parser.add_argument(
            "--expired-tokens",
            action="append",
            default=[],
            choices=network_names(),
            help="start with this network's tokens expired (repeatable)",
        )
        parser.add_argument(
            "--no-limits", action="store_true", help="do not enforce rate limits and daily caps"
        )
        parser.add_argument(
            "--no-readers", action="store_true", help="no simulated comments and messages"
        )
        parser.add_argument("--ok-rps", type=float, help="OK flood limit per token (unverified)")
        parser.add_argument(
            "--ok-daily-topics", type=int, help="OK topics a day per group (unverified)"
        )

    def handle(self, *args, **options):
        settings = Settings(
            enforce_limits=not options["no_limits"], readers=not options["no_readers"]
        )
        if options["ok_rps"]:
            settings.ok_rps = options["ok_rps"]
        if options["ok_daily_topics"]:
            settings.ok_daily_topics = options["ok_daily_topics"]
        address = f"http://{options['host']}:{options['port']}"
        self.stdout.write(f"Sandbox at {address}/sandbox/ (seed {options['seed']})")
        irbis_port = options["irbis_port"]
        if irbis_port and not port_free(options["host"], irbis_port):
            self.stdout.write(f"Port {irbis_port} is taken: IRBIS64 gets a free one")
            irbis_port = 0
        self.stdout.write(
            "IRBIS64 at "
            + (f"{options['host']}:{irbis_port}" if irbis_port else "a free port")
            + f" (login and port: {address}/sandbox/control/irbis)"
        )
        serve(
            host=options["host"],
            port=options["port"],
            seed=options["seed"],
            faults=options["fault"],
            state_file=options["state_file"],
            settings=settings,
            log_level="info",
            expired_tokens=options["expired_tokens"],
            irbis_port=irbis_port,
        )
