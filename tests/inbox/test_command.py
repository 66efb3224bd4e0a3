from io import StringIO

import pytest
from django.core.management import call_command

from vitrina.channels.networks import Network
from vitrina.core.scheduler import Scheduler
from vitrina.inbox.models import Message
from vitrina.inbox.poller import JOB


@pytest.mark.django_db
def test_inbox_poll_once(networks, connect):
    channel = connect(Network.TELEGRAM)
    networks.reader_writes(channel.sandbox_key, "Здравствуйте!")
    out = StringIO()
    call_command("inbox_poll", "--once", stdout=out)
    assert "inbox: 1 new, 1 channels, 0 failed" in out.getvalue()
    assert Message.objects.filter(channel=channel).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_polls_the_inbox_in_its_own_thread(networks, connect, settings):
    settings.INBOX_POLL_SECONDS = 10
    channel = connect(Network.TELEGRAM)
    networks.reader_writes(channel.sandbox_key, "Здравствуйте!")
    scheduler = Scheduler(embedded=True)
    ran = scheduler.tick()
    assert JOB in ran and "publishing.dispatch" in ran
    ran[JOB].join(30)
    scheduler.stop()
    assert Message.objects.filter(channel=channel).count() == 1
    # One scheduler of the deployment polls per interval.
    assert JOB not in Scheduler(embedded=True).tick()


@pytest.mark.django_db(transaction=True)
def test_the_queue_scheduler_hands_each_channel_to_the_workers(networks, connect, settings):
    # Tasks run inline here (no broker); in production they go to `vitrina worker`.
    settings.INBOX_POLL_SECONDS = 10
    first, second = connect(Network.TELEGRAM), connect(Network.MAX)
    networks.reader_writes(first.sandbox_key, "Есть ли у вас Пушкин?")
    networks.reader_writes(second.sandbox_key, "Когда вы открыты?")
    assert Scheduler(embedded=False, jobs=[JOB]).tick() == {JOB: 2}
    assert Message.objects.filter(channel__in=[first, second]).count() == 2


@pytest.mark.django_db
def test_no_polling_when_the_interval_is_zero(networks, connect, settings):
    settings.INBOX_POLL_SECONDS = 0
    channel = connect(Network.TELEGRAM)
    networks.reader_writes(channel.sandbox_key, "Здравствуйте!")
    assert not Scheduler(embedded=False, jobs=[JOB]).run_job(JOB)
    assert not Message.objects.filter(channel=channel).exists()
