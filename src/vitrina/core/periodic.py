"""The periodic-jobs registry: every app's recurring work, run by ``vitrina scheduler``.

An app registers its jobs from its ``AppConfig.ready()``::

    periodic.register(
        periodic.PeriodicJob(
            name="inbox.poll",
            interval=periodic.seconds("INBOX_POLL_SECONDS"),
            run="vitrina.inbox.poller.poll_round",         # the work, in this process
            enqueue="vitrina.inbox.poller.poll_hand_out",  # or handed to Celery workers
            once_per_deployment=True,  # one scheduler of the deployment takes each run
        )
    )

The work is named by its dotted path (a function works too) and imported only when a
scheduler runs it: registering stays cheap for every process that loads the apps, and loads
neither the job's modules nor the Celery application.

The scheduler (``core.scheduler``) knows nothing of the apps: it runs whatever is
registered here. The recipe for a new job is in docs/architecture.md ("Periodic jobs").
"""

import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from vitrina.core.models import JobRun


@dataclass(frozen=True)
class JobContext:
    """What a job's work is given when it runs.

    ``pool(key, size)`` is a pool of threads that the scheduler owns and shuts down when it
    stops (publishing's embedded workers). ``stopping`` is set when the scheduler stops: a
    long round checks it between two items and ends early.
    """

    now: datetime
    scheduler: str
    embedded: bool
    stopping: threading.Event
    pool: Callable[[str, int], Executor]

    @classmethod
    def once(cls, *, now: datetime | None = None) -> "JobContext":
        """A context for running a job's work by hand (the one-off commands), no pools."""

        def no_pool(key: str, size: int) -> Executor:
            raise RuntimeError("Run by hand, a job has no pool of threads.")

        return cls(
            now=now or timezone.now(),
            scheduler=process_name(),
            embedded=True,
            stopping=threading.Event(),
            pool=no_pool,
        )


@dataclass(frozen=True)
class PeriodicJob:
    """One kind of recurring work.

    - ``name``: "<app>.<what>", e.g. "publishing.dispatch"; also the row of ``JobRun``.
    - ``interval``: seconds between two runs, read from the settings on every tick, so a
      changed setting (or a test's) takes effect at once; 0 or less switches the job off.
    - ``run(context)``: the work in the scheduler's own process (the embedded default).
    - ``enqueue(context)``: optional; in queue mode the scheduler calls this instead, and it
      only hands the work to Celery workers. A job without it runs in the scheduler's
      process in both modes.
    Both are functions of a ``JobContext`` or their dotted paths.
    - ``once_per_deployment``: each run is taken by one scheduler of the whole deployment,
      decided by the database (one conditional UPDATE of the job's ``JobRun`` row);
      otherwise every scheduler runs it (it must then be safe to run on several at once).
    - ``inline``: the work runs in the scheduler's tick (short and frequent: publishing's
      dispatch). Otherwise it runs in a thread of its own, so a slow round never delays
      the inline jobs; a run still going when the next is due makes the scheduler skip it.
    """

    name: str
    interval: Callable[[], float]
    run: Callable[[JobContext], object] | str
    enqueue: Callable[[JobContext], object] | str | None = None
    once_per_deployment: bool = False
    inline: bool = False

    def work(self, context: JobContext) -> object:
        """Do the job's work in this process."""
        return _resolve(self.run)(context)

    def hand_out(self, context: JobContext) -> object:
        """Hand the job's work to the workers (only for a job that has a hand-out)."""
        return _resolve(self.enqueue)(context)


def _resolve(work: Callable | str) -> Callable:
    return import_string(work) if isinstance(work, str) else work


_jobs: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> PeriodicJob:
    """Add a job; the same job registered again (``ready()`` run twice) is kept once."""
    known = _jobs.get(job.name)
    if known is not None and known != job:
        raise ImproperlyConfigured(f"Two periodic jobs are named {job.name!r}.")
    _jobs[job.name] = job
    return job


def registered() -> list[PeriodicJob]:
    """Every registered job, in the order the apps registered them."""
    return list(_jobs.values())


def job_get(name: str) -> PeriodicJob:
    try:
        return _jobs[name]
    except KeyError:
        known = ", ".join(sorted(_jobs)) or "none"
        raise LookupError(f"No periodic job is named {name!r} (known: {known}).") from None


@dataclass(frozen=True)
class SettingInterval:
    """An interval read from a setting each time it is asked for, in seconds.

    A value, not a lambda: the same job registered again compares equal.
    """

    setting: str
    scale: float = 1.0

    def __call__(self) -> float:
        return float(getattr(settings, self.setting)) * self.scale


def seconds(setting: str) -> SettingInterval:
    """An interval given by a setting in seconds."""
    return SettingInterval(setting)


def minutes(setting: str) -> SettingInterval:
    """An interval given by a setting in minutes."""
    return SettingInterval(setting, 60.0)


def process_name() -> str:
    """Who runs a job or a task: the machine and the process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def job_run_claim(*, name: str, now: datetime, by: str, every: timedelta) -> bool:
    """Take the job's run if none started within ``every``; True for the one that takes it.

    Every scheduler of a deployment may ask; a conditional UPDATE of the job's one row
    succeeds for a single one per interval, on SQLite and PostgreSQL alike.
    """
    for _attempt in range(2):
        taken = (
            JobRun.objects.filter(name=name)
            .filter(Q(started_at__isnull=True) | Q(started_at__lte=now - every))
            .update(started_at=now, started_by=by[:200])
        )
        if taken:
            return True
        if JobRun.objects.filter(name=name).exists():
            return False
        # The first run ever: make the row (another scheduler may make it at once).
        JobRun.objects.bulk_create([JobRun(name=name)], ignore_conflicts=True)
    return False


def job_last_run(name: str) -> JobRun | None:
    """The job's last run taken by a scheduler of the deployment, if any."""
    return JobRun.objects.filter(name=name, started_at__isnull=False).first()
