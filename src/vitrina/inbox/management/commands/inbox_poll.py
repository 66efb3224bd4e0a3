import time

from django.core.management.base import BaseCommand

from vitrina.inbox.polling import inbox_poll_all


class Command(BaseCommand):
    help = "Fetch readers' messages and comments from every connected channel."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument(
            "--interval", type=float, default=10, help="Seconds between rounds (default 10)."
        )

    def handle(self, *args, once=False, interval=10, **options):
        while True:
            results = inbox_poll_all()
            stored = sum(n for n in results.values() if n > 0)
            failed = sum(1 for n in results.values() if n < 0)
            self.stdout.write(f"inbox: {stored} new, {len(results)} channels, {failed} failed")
            if once:
                return
            time.sleep(interval)
