from django.core.management.base import BaseCommand

from vitrina.inbox.poller import Poller


class Command(BaseCommand):
    help = "Fetch readers' messages and comments from every connected channel."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument(
            "--interval", type=float, default=10, help="Seconds between rounds (default 10)."
        )

    def report(self, results: dict[int, int]) -> None:
        stored = sum(n for n in results.values() if n > 0)
        failed = sum(1 for n in results.values() if n < 0)
        self.stdout.write(f"inbox: {stored} new, {len(results)} channels, {failed} failed")

    def handle(self, *args, once=False, interval=10, **options):
        poller = Poller(interval=interval)
        if once:
            self.report(poller.run_once())
            return
        poller.run_forever(report=self.report)
