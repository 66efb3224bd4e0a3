"""The scheduler: runs every registered periodic job (``core.periodic``) at its interval.

``vitrina scheduler`` runs the loop as a process of its own. In queue mode (a broker is
configured) jobs that can be handed out go to the Celery workers (``vitrina worker``); in the
embedded default their work runs here: inline jobs in the loop's tick, the others each in a
thread of their own, so a slow round of collection never delays publishing. ``vitrina demo``
runs the same loop in a thread of the web process.

Everything the scheduler starts — the loop's thread, the pools of threads jobs ask for, the
background runs — ends with ``stop()``, so a test or a benchmark leaves nothing running.
"""

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from vitrina.core import periodic
from vitrina.core.periodic import JobContext, PeriodicJob

logger = logging.getLogger(__name__)

# A job that one scheduler of the deployment takes asks the database at most this often,
# not on every tick (a round due every hour costs one UPDATE a minute).
CLAIM_CHECK = timedelta(minutes=1)
# The loop may wake a hair before a job's time: that job is due all the same.
EARLY = timedelta(milliseconds=5)


class Scheduler:
    """The loop of one scheduler process (or thread).

    ``embedded`` runs every job's work in this process; otherwise jobs with a hand-out give
    their work to the workers. ``jobs`` limits the loop to some registered jobs (all by
    default), ``every`` overrides some jobs' intervals in seconds, ``workers`` sizes the
    pools of threads that jobs ask for (publishing's embedded workers), and ``interval`` is
    the longest the loop sleeps (``VITRINA_SCHEDULER_INTERVAL_SECONDS`` by default).
    """

    def __init__(
        self,
        *,
        embedded: bool,
        interval: float | None = None,
        workers: int | None = None,
        jobs: Iterable[str] | None = None,
        every: dict[str, float] | None = None,
    ):
        self.embedded = embedded
        self.interval = interval
        self.workers = workers
        self.name = periodic.process_name()
        self.only = list(jobs) if jobs is not None else None
        for name in self.only or []:
            periodic.job_get(name)  # an unknown name is refused at once
        self.every = dict(every or {})
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._runs: dict[str, threading.Thread] = {}
        self._next: dict[str, datetime] = {}
        self._loop: threading.Thread | None = None

    def jobs(self) -> list[PeriodicJob]:
        if self.only is None:
            return periodic.registered()
        return [periodic.job_get(name) for name in self.only]

    def interval_of(self, job: PeriodicJob) -> float:
        return self.every[job.name] if job.name in self.every else job.interval()

    def tick(self, now: datetime | None = None) -> dict[str, object]:
        """Run every job that is due; returns what each job that ran gave back.

        An inline job gives its work's result (publishing: how many variants it handed
        out), a job handed to the workers its hand-out's, a background run its thread.
        """
        now = now or timezone.now()
        results = {}
        # Inline jobs first: asking the database for the other jobs' runs never delays them.
        for job in sorted(self.jobs(), key=lambda job: not job.inline):
            if self.stopping.is_set():
                break
            try:
                ran, value = self._run_if_due(job, now)
            except Exception:
                # A broken job (the database away for a moment) must not stop the others.
                logger.exception("Periodic job %s failed; trying again later", job.name)
                continue
            if ran:
                results[job.name] = value
        return results

    def run_job(self, name: str, now: datetime | None = None) -> bool:
        """Run (or start) one job if it is due here and this scheduler takes it."""
        ran, _value = self._run_if_due(periodic.job_get(name), now or timezone.now())
        return ran

    def running(self, name: str) -> threading.Thread | None:
        """The job's background run in this scheduler, while it runs."""
        thread = self._runs.get(name)
        return thread if thread is not None and thread.is_alive() else None

    def _run_if_due(self, job: PeriodicJob, now: datetime) -> tuple[bool, object]:
        seconds = self.interval_of(job)
        if seconds <= 0:
            self._next.pop(job.name, None)
            return False, None  # switched off: nothing is asked, nothing runs
        upcoming = self._next.get(job.name)
        if upcoming is not None and now < upcoming - EARLY:
            return False, None
        every = timedelta(seconds=seconds)
        self._next[job.name] = now + (min(every, CLAIM_CHECK) if job.once_per_deployment else every)
        if self.running(job.name) is not None:
            return False, None  # this process is still on the last run
        if job.once_per_deployment and not periodic.job_run_claim(
            name=job.name, now=now, by=self.name, every=every
        ):
            return False, None  # another scheduler took this run, or it is not due yet
        context = JobContext(
            now=now,
            scheduler=self.name,
            embedded=self.embedded,
            stopping=self.stopping,
            pool=self._pool,
        )
        if not self.embedded and job.enqueue is not None:
            return True, job.hand_out(context)
        if job.inline:
            return True, job.work(context)
        thread = threading.Thread(
            target=_run_in_background, args=(job, context), name=f"vitrina-{job.name}", daemon=True
        )
        self._runs[job.name] = thread
        thread.start()
        # Every few seconds for some jobs: what a run did is logged by the job itself.
        logger.debug("Scheduler %s started %s", self.name, job.name)
        return True, thread

    def _pool(self, key: str, size: int) -> ThreadPoolExecutor:
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = ThreadPoolExecutor(self.workers or size, thread_name_prefix=f"vitrina-{key}")
                self._pools[key] = pool
            return pool

    def _sleep(self) -> float:
        longest = self.interval or settings.SCHEDULER_INTERVAL_SECONDS
        longest = longest if longest > 0 else 1.0
        if not self._next:
            return longest
        soonest = (min(self._next.values()) - timezone.now()).total_seconds()
        return max(0.01, min(longest, soonest))

    def run_forever(self) -> None:
        mode = "embedded" if self.embedded else "queue"
        names = ", ".join(job.name for job in self.jobs())
        logger.info("Scheduler %s started (%s): %s", self.name, mode, names)
        try:
            while not self.stopping.is_set():
                try:
                    self.tick()
                except Exception:
                    logger.exception("Scheduler round failed; trying again")
                finally:
                    close_old_connections()
                self.stopping.wait(self._sleep())
        finally:
            self._shutdown(wait=True)

    def start_thread(self) -> threading.Thread:
        self._loop = threading.Thread(
            target=self.run_forever, name="vitrina-scheduler", daemon=True
        )
        self._loop.start()
        return self._loop

    def stop(self, *, wait: bool = True, timeout: float | None = None) -> None:
        """End the loop and everything it started.

        The pools finish the work handed to them (a claimed variant is published, not left
        to its lease); a background run ends at its next check of ``stopping``.
        """
        self.stopping.set()
        loop = self._loop
        if wait and loop is not None and loop is not threading.current_thread():
            loop.join(timeout)
        self._shutdown(wait=wait, timeout=timeout)

    def _shutdown(self, *, wait: bool, timeout: float | None = None) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=wait)
        if wait:
            for thread in list(self._runs.values()):
                if thread is not threading.current_thread():
                    thread.join(timeout)


def _run_in_background(job: PeriodicJob, context: JobContext) -> None:
    try:
        job.work(context)
    except Exception:
        logger.exception("Periodic job %s failed", job.name)
    finally:
        # The thread ends here: its connections go with it.
        connections.close_all()
