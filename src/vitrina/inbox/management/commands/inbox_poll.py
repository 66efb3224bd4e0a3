"""``vitrina inbox_poll``: the inbox's polling job by hand.

``vitrina scheduler`` polls by itself every ``VITRINA_INBOX_POLL_SECONDS``; ``--once`` runs
one round now, and without it this command runs the scheduler's loop for this job alone.
"""

import signal

from django.core.management.base import BaseCommand

from vitrina.core.scheduler import Scheduler
from vitrina.inbox.poller import JOB, poll_round


class Command(BaseCommand):
    help = "Fetch readers' messages and comments from every connected channel."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between rounds (default VITRINA_INBOX_POLL_SECONDS).",
        )

    def report(self, results: dict[int, int]) -> None:
        stored = sum(n for n in results.values() if n > 0)
        failed = sum(1 for n in results.values() if n < 0)
        self.stdout.write(f"inbox: {stored} new, {len(results)} channels, {failed} failed")

    def handle(self, *args, once=False, interval=None, **options):
        if once:
            self.report(poll_round())
            return
        every = {JOB: interval} if interval else None
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl+C
        try:
            Scheduler(embedded=True, jobs=[JOB], every=every).run_forever()
        except KeyboardInterrupt:
            self.stderr.write("Polling stopped.")
