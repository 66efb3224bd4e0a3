"""``vitrina scheduler``: the loop that runs every app's periodic jobs (``core.periodic``)."""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vitrina.core import periodic
from vitrina.core.scheduler import Scheduler


class Command(BaseCommand):
    help = (
        "Run the periodic jobs: publishing's dispatch, collection rounds, inbox polling, "
        "token refreshes (one scheduler per installation; workers do the work)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--embedded",
            action="store_true",
            help="Do the work in this process (threads) instead of handing it to workers.",
        )
        parser.add_argument(
            "--job",
            action="append",
            default=[],
            metavar="NAME",
            help="Run only this job (repeatable); see --list.",
        )
        parser.add_argument(
            "--list", action="store_true", help="List the registered jobs and stop."
        )

    def handle(self, *args, embedded=False, job=(), list=False, **options):
        if list:
            self.list_jobs()
            return
        if not embedded and not settings.CELERY_BROKER_URL:
            self.stderr.write(
                "No broker is configured (VITRINA_REDIS_URL or VITRINA_CELERY_BROKER_URL): "
                "working in this process."
            )
            embedded = True
        try:
            scheduler = Scheduler(embedded=embedded, jobs=job or None)
        except LookupError as error:
            raise CommandError(str(error)) from error
        # Stopped by its service manager (SIGTERM) as by Ctrl+C: the loop ends and the work
        # already handed to its threads is finished.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            scheduler.run_forever()
        except KeyboardInterrupt:
            self.stderr.write("Scheduler stopped.")

    def list_jobs(self) -> None:
        for job in periodic.registered():
            seconds = job.interval()
            every = f"every {seconds:g} s" if seconds > 0 else "off"
            setting = getattr(job.interval, "setting", None)
            if setting:
                every += f" (VITRINA_{setting})"
            where = "inline" if job.inline else "own thread"
            queue = "workers in queue mode" if job.enqueue else "this process"
            once = ", one scheduler of the deployment" if job.once_per_deployment else ""
            self.stdout.write(f"{job.name}: {every}, {where}, {queue}{once}")
