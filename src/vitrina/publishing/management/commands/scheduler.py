"""``vitrina scheduler``: the one loop that hands due posts to the workers."""

from django.conf import settings
from django.core.management.base import BaseCommand

from vitrina.publishing.scheduler import Scheduler


class Command(BaseCommand):
    help = "Run the publishing scheduler (one per installation; workers do the publishing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--embedded",
            action="store_true",
            help="Publish in this process with a thread pool instead of handing out to workers.",
        )

    def handle(self, *args, embedded=False, **options):
        if not embedded and not settings.CELERY_BROKER_URL:
            self.stderr.write(
                "No broker is configured (VITRINA_REDIS_URL or VITRINA_CELERY_BROKER_URL): "
                "publishing in this process."
            )
            embedded = True
        Scheduler(embedded=embedded).run_forever()
