"""The scheduler loop: sweep stale claims, claim what is due, hand it to workers.

In production one ``vitrina scheduler`` process runs the loop and hands variants to Celery
workers (``vitrina worker``) through the broker. In the embedded default the same loop runs
in a thread of the web process and publishes with a small pool of threads.

The loop also starts rounds of collecting the channels' figures (every
``COLLECT_INTERVAL_MINUTES``): it only hands the round out — to the workers, or to one
background thread when embedded — so collecting never delays publishing.
"""

import logging
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from vitrina.publishing.dispatcher import claim_due, in_flight, sweep_stale
from vitrina.publishing.engine import publish_variant
from vitrina.publishing.models import SchedulerHeartbeat

logger = logging.getLogger(__name__)


def scheduler_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Scheduler:
    def __init__(
        self, *, embedded: bool, interval: float | None = None, workers: int | None = None
    ):
        self.embedded = embedded
        self.interval = interval or settings.SCHEDULER_INTERVAL_SECONDS
        self.name = scheduler_name()
        self.stopping = threading.Event()
        self.pool = (
            ThreadPoolExecutor(workers or settings.EMBEDDED_PUBLISH_THREADS, "vitrina-publish")
            if embedded
            else None
        )
        self.collector = ThreadPoolExecutor(1, "vitrina-collect") if embedded else None
        self.collecting = None  # the embedded round under way
        self.next_collect_check = None

    def tick(self) -> int:
        """One round; returns how many variants were handed out."""
        now = timezone.now()
        swept = sweep_stale(now=now)
        if swept:
            logger.warning("Gave back %s stale publishing claims", swept)
        handed = 0
        while True:
            # Hand out no more than the workers can start within a lease: a claim that
            # waits longer is swept and handed out again, which is safe but wasted work.
            room = settings.PUBLISH_MAX_IN_FLIGHT - in_flight()
            limit = min(settings.PUBLISH_BATCH, room)
            if limit <= 0:
                break
            claimed = claim_due(now=now, limit=limit, claimer=self.name)
            self._hand_out(claimed)
            handed += len(claimed)
            if len(claimed) < limit:
                break
        SchedulerHeartbeat.objects.update_or_create(name=self.name, defaults={"seen_at": now})
        try:
            self.start_collection(now)
        except Exception:
            logger.exception("Could not start a round of collection; trying again later")
        return handed

    def start_collection(self, now) -> bool:
        """Starts a round of collection when one is due and this scheduler wins it."""
        minutes = settings.COLLECT_INTERVAL_MINUTES
        if minutes <= 0 or (self.next_collect_check and now < self.next_collect_check):
            return False
        # The database is asked at most once a minute, not on every tick.
        self.next_collect_check = now + min(timedelta(minutes=1), timedelta(minutes=minutes))
        if self.collecting is not None and not self.collecting.done():
            return False  # this process is still collecting the last round
        from vitrina.analytics.rounds import round_start

        if not round_start(now=now, by=self.name, every=timedelta(minutes=minutes)):
            return False
        if self.collector is not None:
            self.collecting = self.collector.submit(_collect_in_thread)
        else:
            from vitrina.analytics.tasks import collect_stats_task

            collect_stats_task.delay()
        logger.info("Scheduler %s started a round of collection", self.name)
        return True

    def _hand_out(self, claimed: list[tuple[int, str]]) -> None:
        if self.pool is not None:
            for variant_id, claim in claimed:
                self.pool.submit(_run_in_thread, variant_id, claim, self.name)
            return
        from vitrina.publishing.tasks import publish_variants_task

        size = settings.PUBLISH_TASK_BATCH
        for start in range(0, len(claimed), size):
            publish_variants_task.delay(claimed[start : start + size])

    def run_forever(self) -> None:
        logger.info(
            "Scheduler %s started (%s)", self.name, "embedded" if self.embedded else "queue"
        )
        while not self.stopping.is_set():
            try:
                self.tick()
            except Exception:
                logger.exception("Scheduler round failed; trying again")
            finally:
                close_old_connections()
            self.stopping.wait(self.interval)
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.collector.shutdown(wait=False, cancel_futures=True)

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="vitrina-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()


def _run_in_thread(variant_id: int, claim: str, worker: str) -> None:
    try:
        publish_variant(variant_id, claim, worker=worker)
    except Exception:
        logger.exception("Publishing variant %s failed", variant_id)
    finally:
        close_old_connections()


def _collect_in_thread() -> None:
    from vitrina.analytics.rounds import run_round

    try:
        run_round()
    except Exception:
        logger.exception("A round of collection failed")
    finally:
        close_old_connections()


def scheduler_alive(max_age_seconds: int = 120) -> bool:
    """Whether any scheduler has run lately; pages warn when none has."""
    cutoff = timezone.now() - timedelta(seconds=max_age_seconds)
    return SchedulerHeartbeat.objects.filter(seen_at__gte=cutoff).exists()
