from io import StringIO

import pytest
from django.core.management import call_command

from vitrina.channels.networks import Network
from vitrina.inbox.models import Message


@pytest.mark.django_db
def test_inbox_poll_once(networks, connect):
    channel = connect(Network.TELEGRAM)
    networks.reader_writes(channel.sandbox_key, "Здравствуйте!")
    out = StringIO()
    call_command("inbox_poll", "--once", stdout=out)
    assert "inbox: 1 new, 1 channels, 0 failed" in out.getvalue()
    assert Message.objects.filter(channel=channel).count() == 1
