"""A renewal request written in a reader's own words, end to end: the sandbox's VK reader
writes, the inbox polls it in, the conversation is tagged and its page offers «Продлить»."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.readers import (
    ConsentFactory,
    FileLoanFactory,
    IlsConnectionFactory,
    LoanFactory,
    ReaderFactory,
    ReaderLinkFactory,
)
from vitrina.channels.networks import Network
from vitrina.core.roles import Role
from vitrina.inbox.models import Thread
from vitrina.inbox.polling import channel_poll
from vitrina.readers.models import Purpose, RenewalRequest

READER = 178401150


@pytest.fixture
def vk_reader(networks, connect, library):
    channel = connect(Network.VK)
    channel_poll(channel=channel)
    connection = IlsConnectionFactory(library=library)
    reader = ReaderFactory(library=connection.library, connection=connection, card="F777")
    link = ReaderLinkFactory(reader=reader, channel=channel, network_user_id=str(READER))
    ConsentFactory(reader=reader, purpose=Purpose.RENEWALS)
    due = timezone.localdate() + timedelta(days=1)
    FileLoanFactory(connection=connection, card="F777", loan_id="b-1", title="Обломов", due=due)
    LoanFactory(reader=reader, loan_id="b-1", title="Обломов", due=due)
    return link


def test_a_request_in_words_reaches_the_thread_page_and_is_renewed(
    networks, vk_reader, client, member_factory
):
    channel = vk_reader.channel
    networks.reader_writes(
        channel.sandbox_key, "Добрый день! Продлите, пожалуйста, Обломова", reader_id=READER
    )
    networks.reader_writes(channel.sandbox_key, "А продлёнка работает?", reader_id=READER + 1)
    channel_poll(channel=channel)
    asking = Thread.objects.get(channel=channel, reader_id=str(READER))
    other = Thread.objects.get(channel=channel, reader_id=str(READER + 1))
    assert list(asking.tags.values_list("tag", flat=True)) == ["renewal"]
    assert not other.tags.exists()

    client.force_login(member_factory(role=Role.CIRCULATION).user)
    org = channel.organisation.slug
    page = client.get(reverse("inbox:thread", kwargs={"org": org, "thread_id": asking.pk}))
    body = page.content.decode()
    assert "F777" in body and "Обломов" in body
    day = timezone.localdate() + timedelta(days=15)
    renew = reverse("readers:thread-renew", kwargs={"org": org, "thread_id": asking.pk})
    client.post(renew, {"loan_id": "b-1", "new_due": day.isoformat()})
    request = RenewalRequest.objects.get()
    assert (request.state, request.new_due, request.source) == ("renewed", day, "inbox")
    assert request.inbox_message_id == asking.messages.get().pk
