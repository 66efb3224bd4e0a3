"""``vitrina demo``: migrate, load the demo organisations and serve them locally."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vitrina.core.models import User
from vitrina.core.scheduler import Scheduler
from vitrina.core.services import api_token_create
from vitrina.demo.build import build_demo
from vitrina.sandbox.for_demo import connect_channels, reachable_sandbox, start_for_demo


def _address(addr: str) -> str:
    """``8001`` or ``127.0.0.1:8001`` → ``127.0.0.1:8001``; anything else is refused."""
    host, _colon, port = addr.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--addr {addr!r}: give a port (8001) or an address and port.")
    return f"{host or '127.0.0.1'}:{port}"


class Command(BaseCommand):
    help = "Load the demo organisations and serve Vitrina on 127.0.0.1:8000 (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Rebuild the demo from scratch.")
        parser.add_argument("--no-serve", action="store_true", help="Load only, do not serve.")
        parser.add_argument(
            "--addr",
            default="127.0.0.1:8000",
            help="address and port to serve on (or a port); the site's links follow it "
            "unless VITRINA_SITE_URL is set",
        )
        parser.add_argument(
            "--no-sandbox", action="store_true", help="Do not serve the networks' sandbox."
        )

    def handle(
        self, *args, reset=False, no_serve=False, addr="127.0.0.1:8000", no_sandbox=False, **options
    ):
        if not settings.DEMO_MODE:
            raise CommandError("The demo runs only in demo mode: set VITRINA_DEMO=1.")
        addr = _address(addr)
        if not os.environ.get("VITRINA_SITE_URL"):
            # Links in post texts and public exhibition pages point where the demo is served.
            host, port = addr.rsplit(":", 1)
            # Served on every interface, the site is still reached here by its own links.
            everywhere = host in ("0.0.0.0", "::")  # noqa: S104 -- compared, not bound
            settings.SITE_URL = f"http://{'127.0.0.1' if everywhere else host}:{port}"
        call_command("migrate", interactive=False, verbosity=0)
        # The sandbox runs before the demo is built: readers write their messages there.
        server = None
        if settings.SANDBOX_URL and not no_sandbox:
            server = start_for_demo()
        sandbox = reachable_sandbox() if settings.SANDBOX_URL and not no_sandbox else None
        built = build_demo(reset=reset, sandbox=sandbox)
        self.stdout.write(
            "Demo organisations loaded." if built else "Demo organisations already loaded."
        )
        if built and settings.SANDBOX_URL and sandbox is None:
            # The sandbox starts later: give the channels the tokens its accounts will have.
            connect_channels(built["channels"])
        user = User.objects.get(username="demo")
        user.api_tokens.filter(name="demo", revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        _token, raw = api_token_create(user=user, name="demo")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Vitrina: {settings.SITE_URL}/"))
        self.stdout.write("Login: demo / demo")
        self.stdout.write(f"API token: {raw}")
        self.stdout.write(f"API docs: {settings.SITE_URL}/api/v1/docs")
        self.stdout.write("")
        if no_serve and server is not None:
            server.stop()  # its state is saved for the next run
        if not no_serve:
            if sandbox is not None:
                self.stdout.write(f"Networks' sandbox: {settings.SANDBOX_URL}/sandbox/")
            # Every periodic job runs in this process: scheduled posts go out, figures are
            # collected, readers' messages reach the inbox — the embedded default needs no
            # workers.
            Scheduler(embedded=True).start_thread()
            self.stdout.write("Scheduler (publishing, figures, inbox, tokens): in this process")
            settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
            # The demo is meant to run on Django's own server; its warning is for production.
            os.environ.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
            call_command("runserver", addr, use_reloader=False, use_threading=True)
