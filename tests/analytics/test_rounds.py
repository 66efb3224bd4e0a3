"""Rounds of collection (the periodic job "analytics.collect") started by the scheduler,
against the sandbox over real HTTP."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tests.publishing.test_engine import run_once
from vitrina.analytics.collect import collect_and_record
from vitrina.analytics.models import ChannelCollection, PostSnapshot
from vitrina.analytics.rounds import ROUND, round_start
from vitrina.channels.networks import Network
from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.models import JobRun
from vitrina.core.scheduler import Scheduler

HOUR = timedelta(hours=1)


def rounds():
    return JobRun.objects.filter(name=ROUND)


@pytest.mark.django_db
def test_one_scheduler_takes_a_round_per_interval():
    now = timezone.now()
    assert round_start(now=now, by="a", every=HOUR)
    assert not round_start(now=now, by="b", every=HOUR)
    assert not round_start(now=now + timedelta(minutes=59), by="b", every=HOUR)
    assert round_start(now=now + HOUR, by="b", every=HOUR)
    row = rounds().get()
    assert row.started_by == "b" and row.started_at == now + HOUR


@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_for_a_round_start_it_once():
    now = timezone.now()
    round_start(now=now - 2 * HOUR, by="earlier", every=HOUR)
    barrier = threading.Barrier(6)
    won = []

    def race(name):
        try:
            barrier.wait()
            won.append(round_start(now=now, by=name, every=HOUR))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=race, args=(f"s{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 5 + [True]


def _wait(thread, seconds=60):
    thread.join(timeout=seconds)
    assert not thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_the_embedded_scheduler_collects_in_the_background(networks, connect, schedule, settings):
    settings.COLLECT_INTERVAL_MINUTES = 60
    channel = connect(Network.VK)
    (published,) = schedule([channel])
    run_once(published)
    # A slow network: every statistics call takes a second.
    networks.fault(network="vk", method="stats.get", latency_ms=1000)
    (due,) = schedule([connect(Network.MAX)], text="Пост, который должен уйти сразу")

    scheduler = Scheduler(embedded=True, workers=2)
    started = time.monotonic()
    ran = scheduler.tick()
    assert ran["publishing.dispatch"] == 1
    # Handing the round out costs nothing: publishing goes on while the round reads.
    assert time.monotonic() - started < 1
    assert scheduler.running(ROUND) is not None
    _wait(ran[ROUND])
    scheduler.stop()

    assert Variant.objects.get(pk=due.pk).state == VariantState.PUBLISHED
    outcome = ChannelCollection.objects.get(channel=channel)
    assert outcome.skipped == ""
    assert PostSnapshot.objects.filter(channel=channel, variant=published).exists()
    assert rounds().get().started_by == scheduler.name

    # Another scheduler of the deployment does not start a second round within the hour.
    other = Scheduler(embedded=True, workers=1)
    assert ROUND not in other.tick()
    assert other.running(ROUND) is None
    # Nor does the first one ask the database again before a minute has passed.
    long_ago = timezone.now() - 2 * HOUR
    rounds().update(started_at=long_ago)
    assert ROUND not in scheduler.tick()
    assert rounds().get().started_at == long_ago
    other.stop()


@pytest.mark.django_db(transaction=True)
def test_the_queue_scheduler_hands_the_round_to_the_workers(networks, connect, settings):
    # Tasks run inline here (no broker), closing connections as a worker does; in
    # production they go to `vitrina worker`.
    settings.COLLECT_INTERVAL_MINUTES = 30
    channel = connect(Network.OK)
    scheduler = Scheduler(embedded=False)
    assert scheduler.run_job(ROUND, timezone.now())
    assert ChannelCollection.objects.get(channel=channel).skipped == ""
    assert not Scheduler(embedded=False).run_job(ROUND, timezone.now())


@pytest.mark.django_db
def test_no_rounds_when_the_interval_is_zero(networks, connect, settings):
    settings.COLLECT_INTERVAL_MINUTES = 0
    connect(Network.VK)
    assert not Scheduler(embedded=False).run_job(ROUND, timezone.now())
    assert ROUND not in Scheduler(embedded=True).tick()
    assert not rounds().exists()
    assert not ChannelCollection.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_names_the_last_round_and_the_skipped_channels(
    networks, connect, admin_client, organisation, settings
):
    settings.COLLECT_INTERVAL_MINUTES = 60
    url = reverse("analytics:dashboard", kwargs={"org": organisation.slug})
    assert "Ни одного круга сбора ещё не было" in admin_client.get(url).content.decode()

    limited, fine = connect(Network.VK), connect(Network.OK)
    networks.fault(network="vk", method="stats.get", error=9, error_rate=1.0)
    assert Scheduler(embedded=False).run_job(ROUND, timezone.now())
    assert ChannelCollection.objects.get(channel=limited).skipped == "rate_limited"
    assert ChannelCollection.objects.get(channel=fine).skipped == ""

    text = admin_client.get(url).content.decode()
    assert "Последний круг сбора начался" in text
    assert "пропущены при последнем сборе" in text
    assert limited.name in text and "лимит запросов" in text
    assert fine.name not in text.split("пропущены при последнем сборе")[1].split("</div>")[0]

    # Once the network answers again the next collection clears the notice.
    networks.clear_faults()
    collect_and_record(limited, now=timezone.now() + 2 * HOUR)
    assert "пропущены при последнем сборе" not in admin_client.get(url).content.decode()


@pytest.mark.django_db
def test_the_dashboard_says_when_rounds_are_off(admin_client, organisation, settings):
    settings.COLLECT_INTERVAL_MINUTES = 0
    text = admin_client.get(
        reverse("analytics:dashboard", kwargs={"org": organisation.slug})
    ).content.decode()
    assert "круги сбора планировщика выключены" in text


@pytest.mark.django_db(transaction=True)
def test_the_last_round_moves_to_the_schedulers_job_runs():
    started = timezone.now() - HOUR
    executor = MigrationExecutor(connection)
    executor.migrate([("analytics", "0007_post_days_subscriber_reach")])
    try:
        old = executor.loader.project_state([("analytics", "0007_post_days_subscriber_reach")]).apps
        rounds().delete()
        old.get_model("analytics", "CollectionRound").objects.create(
            name="collect", started_at=started, started_by="old-scheduler"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    row = rounds().get()
    assert (row.started_at, row.started_by) == (started, "old-scheduler")
    # The next round is due an hour after that one, not at once.
    assert not round_start(now=started + timedelta(minutes=59), by="new", every=HOUR)
