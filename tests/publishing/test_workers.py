"""The production path: the scheduler hands claims to a real Celery worker over Redis."""

import time

import pytest
from django.conf import settings

from tests.networks import posts_on
from vitrina.channels.networks import Network
from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.scheduler import Scheduler

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL,
        reason="needs a broker: set VITRINA_REDIS_URL (CI runs this on PostgreSQL with Redis)",
    ),
]


@pytest.fixture
def celery_worker():
    from celery.contrib.testing.worker import start_worker

    from vitrina.celery import app

    app.conf.task_always_eager = False
    with start_worker(
        app, pool="threads", concurrency=4, perform_ping_check=False, loglevel="WARNING"
    ):
        yield


def test_scheduler_and_worker_publish_through_the_broker(
    networks, connect, schedule, celery_worker
):
    channels = [connect(Network.VK), connect(Network.OK), connect(Network.MAX)]
    variants = schedule(channels) + schedule(channels, text="Второй пост")
    ids = [variant.pk for variant in variants]
    scheduler = Scheduler(embedded=False, interval=0.1)
    deadline = time.time() + 60
    while time.time() < deadline:
        scheduler.tick()
        if not Variant.objects.filter(pk__in=ids).exclude(state=VariantState.PUBLISHED).exists():
            break
        time.sleep(0.2)
    assert set(Variant.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        VariantState.PUBLISHED
    }
    assert [posts_on(networks, channel) for channel in channels] == [2, 2, 2]
