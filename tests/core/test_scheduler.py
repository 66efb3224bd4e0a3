"""The periodic-jobs registry (core.periodic) and the scheduler that runs it (core.scheduler)."""

import os
import subprocess
import sys
import threading
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from vitrina.core import periodic
from vitrina.core.models import JobRun
from vitrina.core.periodic import JobContext, PeriodicJob
from vitrina.core.scheduler import Scheduler


@pytest.fixture
def registry():
    """Jobs registered by a test are gone after it; the apps' own jobs stay."""
    saved = dict(periodic._jobs)
    yield periodic
    periodic._jobs.clear()
    periodic._jobs.update(saved)


class Calls:
    """A job's work that counts its runs (and what it was given)."""

    def __init__(self, result=None):
        self.contexts: list[JobContext] = []
        self.result = result

    def __call__(self, context):
        self.contexts.append(context)
        return self.result

    @property
    def count(self) -> int:
        return len(self.contexts)


def test_every_app_registers_its_jobs():
    names = {job.name for job in periodic.registered()}
    assert {
        "publishing.dispatch",
        "analytics.collect",
        "inbox.poll",
        "channels.refresh_tokens",
    } <= names
    dispatch = periodic.job_get("publishing.dispatch")
    assert dispatch.inline and not dispatch.once_per_deployment and dispatch.enqueue
    for name in ("analytics.collect", "inbox.poll", "channels.refresh_tokens"):
        job = periodic.job_get(name)
        assert job.once_per_deployment and not job.inline, name
    # Every job's work (named by its dotted path) exists.
    for job in periodic.registered():
        for work in (job.run, job.enqueue):
            if work is not None:
                assert callable(import_string(work) if isinstance(work, str) else work), work


def test_loading_the_apps_loads_no_job_and_no_celery():
    """Registering is cheap: a process that only loads the apps (the web, `makemessages` run
    inside the package, where `celery.py` would shadow Celery) imports no job's module."""
    code = (
        "import sys, django; django.setup(); "
        "print(sorted(m for m in sys.modules if m == 'vitrina.celery' or m.endswith('.jobs') "
        "or m in {'vitrina.analytics.rounds', 'vitrina.inbox.poller'}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_intervals_are_read_from_the_settings_each_time(settings):
    settings.INBOX_POLL_SECONDS = 10
    settings.TOKEN_REFRESH_MINUTES = 5
    settings.COLLECT_INTERVAL_MINUTES = 60
    assert periodic.job_get("inbox.poll").interval() == 10
    assert periodic.job_get("channels.refresh_tokens").interval() == 300
    assert periodic.job_get("analytics.collect").interval() == 3600
    settings.INBOX_POLL_SECONDS = 0
    assert periodic.job_get("inbox.poll").interval() == 0


def test_one_name_is_one_job(registry):
    work = Calls()
    job = PeriodicJob(name="test.once", interval=periodic.seconds("TEST_JOB_SECONDS"), run=work)
    registry.register(job)
    # An app's ready() run again registers an equal job: kept once.
    registry.register(
        PeriodicJob(name="test.once", interval=periodic.seconds("TEST_JOB_SECONDS"), run=work)
    )
    assert [j for j in registry.registered() if j.name == "test.once"] == [job]
    with pytest.raises(ImproperlyConfigured):
        registry.register(PeriodicJob(name="test.once", interval=lambda: 1, run=Calls()))
    with pytest.raises(LookupError):
        registry.job_get("test.unknown")
    with pytest.raises(LookupError):
        Scheduler(embedded=True, jobs=["test.unknown"])


@pytest.mark.django_db
def test_a_job_runs_at_its_interval_and_not_when_it_is_off(registry, settings):
    settings.TEST_JOB_SECONDS = 60
    work = Calls(result=7)
    registry.register(
        PeriodicJob(
            name="test.every", interval=periodic.seconds("TEST_JOB_SECONDS"), run=work, inline=True
        )
    )
    scheduler = Scheduler(embedded=True, jobs=["test.every"])
    now = timezone.now()
    assert scheduler.tick(now) == {"test.every": 7}
    assert scheduler.tick(now + timedelta(seconds=30)) == {}
    assert scheduler.tick(now + timedelta(seconds=60)) == {"test.every": 7}
    settings.TEST_JOB_SECONDS = 0
    assert scheduler.tick(now + timedelta(seconds=600)) == {}
    assert work.count == 2
    context = work.contexts[0]
    assert context.now == now and context.scheduler == scheduler.name and context.embedded
    # An interval given to the scheduler replaces the job's own.
    settings.TEST_JOB_SECONDS = 60
    fast = Scheduler(embedded=True, jobs=["test.every"], every={"test.every": 1})
    assert fast.tick(now) and fast.tick(now + timedelta(seconds=1))
    scheduler.stop()
    fast.stop()


@pytest.mark.django_db
def test_one_scheduler_of_the_deployment_takes_each_run(registry):
    work = Calls()
    registry.register(
        PeriodicJob(
            name="test.deployment",
            interval=lambda: 600,
            run=work,
            inline=True,
            once_per_deployment=True,
        )
    )
    first, second = (Scheduler(embedded=True, jobs=["test.deployment"]) for _ in range(2))
    now = timezone.now()
    assert first.run_job("test.deployment", now)
    assert not second.run_job("test.deployment", now)
    row = JobRun.objects.get(name="test.deployment")
    assert row.started_by == first.name and row.started_at == now
    # The database is asked at most once a minute, not on every tick.
    JobRun.objects.filter(name="test.deployment").update(started_at=now - timedelta(hours=1))
    assert not first.run_job("test.deployment", now + timedelta(seconds=30))
    assert second.run_job("test.deployment", now + timedelta(seconds=61))
    assert work.count == 2
    # Other jobs have rows of their own.
    assert periodic.job_run_claim(name="test.other", now=now, by="x", every=timedelta(hours=1))


@pytest.mark.django_db(transaction=True)
def test_job_runs_racing_for_one_run_take_it_once():
    now = timezone.now()
    barrier = threading.Barrier(5)
    won = []

    def race(name):
        try:
            barrier.wait()
            won.append(
                periodic.job_run_claim(name="test.race", now=now, by=name, every=timedelta(hours=1))
            )
        finally:
            close_old_connections()

    threads = [threading.Thread(target=race, args=(f"s{n}",)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 4 + [True]


@pytest.mark.django_db
def test_queue_mode_hands_the_work_out_and_runs_the_rest_here(registry):
    here, handed = Calls(result="here"), Calls(result="handed")
    alone = Calls(result="alone")
    registry.register(
        PeriodicJob(name="test.queued", interval=lambda: 1, run=here, enqueue=handed, inline=True)
    )
    registry.register(PeriodicJob(name="test.alone", interval=lambda: 1, run=alone, inline=True))
    queue = Scheduler(embedded=False, jobs=["test.queued", "test.alone"])
    assert queue.tick() == {"test.queued": "handed", "test.alone": "alone"}
    embedded = Scheduler(embedded=True, jobs=["test.queued"])
    assert embedded.tick() == {"test.queued": "here"}
    assert (here.count, handed.count) == (1, 1)
    assert not handed.contexts[0].embedded


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others(registry):
    def broken(context):
        raise RuntimeError("the network is down")

    work = Calls(result=1)
    registry.register(PeriodicJob(name="test.broken", interval=lambda: 1, run=broken, inline=True))
    registry.register(PeriodicJob(name="test.fine", interval=lambda: 1, run=work, inline=True))
    assert Scheduler(embedded=True, jobs=["test.broken", "test.fine"]).tick() == {"test.fine": 1}


@pytest.mark.django_db
def test_a_slow_job_runs_in_its_own_thread_and_never_twice_at_once(registry):
    release = threading.Event()
    started = threading.Event()

    def slow(context):
        started.set()
        release.wait(10)

    fast = Calls(result=1)
    registry.register(PeriodicJob(name="test.slow", interval=lambda: 1, run=slow))
    registry.register(PeriodicJob(name="test.fast", interval=lambda: 1, run=fast, inline=True))
    scheduler = Scheduler(embedded=True, jobs=["test.slow", "test.fast"])
    now = timezone.now()
    ran = scheduler.tick(now)
    assert ran["test.fast"] == 1 and isinstance(ran["test.slow"], threading.Thread)
    assert started.wait(5) and scheduler.running("test.slow") is ran["test.slow"]
    # Still on the last run: the next one is skipped, the inline job goes on.
    assert scheduler.tick(now + timedelta(seconds=2)) == {"test.fast": 1}
    release.set()
    scheduler.stop()
    assert not ran["test.slow"].is_alive() and scheduler.running("test.slow") is None


@pytest.mark.django_db(transaction=True)
def test_stop_ends_everything_the_scheduler_started(registry):
    published = []
    rounds = threading.Event()

    def dispatch(context):
        pool = context.pool("test", 2)
        pool.submit(published.append, context.now)

    def long_round(context):
        rounds.set()
        while not context.stopping.is_set():  # a long round ends at its next check
            context.stopping.wait(0.05)

    registry.register(
        PeriodicJob(name="test.dispatch", interval=lambda: 0.05, run=dispatch, inline=True)
    )
    registry.register(PeriodicJob(name="test.round", interval=lambda: 0.05, run=long_round))
    before = set(threading.enumerate())
    scheduler = Scheduler(embedded=True, interval=0.05, jobs=["test.dispatch", "test.round"])
    loop = scheduler.start_thread()
    assert rounds.wait(5)
    deadline = timezone.now() + timedelta(seconds=5)
    while len(published) < 2 and timezone.now() < deadline:
        threading.Event().wait(0.05)
    assert len(published) >= 2
    scheduler.stop(timeout=10)
    assert not loop.is_alive()
    started = [thread for thread in set(threading.enumerate()) - before if thread.is_alive()]
    assert started == []


@pytest.mark.django_db
def test_the_scheduler_command_lists_its_jobs_and_refuses_unknown_ones():
    out = StringIO()
    call_command("scheduler", "--list", stdout=out)
    listing = out.getvalue()
    assert "publishing.dispatch: every 1 s (VITRINA_SCHEDULER_INTERVAL_SECONDS), inline" in listing
    assert "inbox.poll: off" in listing  # switched off in the tests
    with pytest.raises(CommandError, match=r"test\.unknown"):
        call_command("scheduler", "--job", "test.unknown", "--embedded")
