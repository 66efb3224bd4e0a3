"""``vitrina worker``: a Celery worker that does what the scheduler and the pages hand out."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vitrina.celery import app


class Command(BaseCommand):
    help = (
        "Start a worker (Celery): publishing, collecting figures, inbox polling, imports. "
        "Run as many as needed, on several machines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=settings.WORKER_CONCURRENCY)
        parser.add_argument("--pool", default="threads", choices=["threads", "prefork", "solo"])
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, concurrency, pool, loglevel, **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "Workers need a broker: set VITRINA_REDIS_URL (or VITRINA_CELERY_BROKER_URL)."
            )
        app.worker_main(
            [
                "worker",
                f"--concurrency={concurrency}",
                f"--pool={pool}",
                f"--loglevel={loglevel}",
                "--without-gossip",
                "--without-mingle",
                "--prefetch-multiplier=1",
            ]
        )
