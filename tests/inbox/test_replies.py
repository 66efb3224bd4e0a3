import pytest

from vitrina.channels.networks import Network
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.core.roles import Role
from vitrina.inbox.models import Delivery, Direction, Thread, ThreadStatus
from vitrina.inbox.polling import channel_poll
from vitrina.inbox.services import replies


def reader_thread(networks, channel, text="Можно продлить «Анатомию» ещё на две недели?"):
    channel_poll(channel=channel)
    networks.reader_writes(channel.sandbox_key, text, reader_id=4242)
    channel_poll(channel=channel)
    return Thread.objects.get(channel=channel)


@pytest.mark.django_db
@pytest.mark.parametrize("network", [Network.VK, Network.TELEGRAM, Network.MAX])
def test_reply_reaches_the_reader(networks, connect, admin, network):
    channel = connect(network)
    thread = reader_thread(networks, channel)
    membership = Membership.objects.get(user=admin)
    message = replies.reply_send(
        thread=thread, membership=membership, text="Продлили до 5 декабря."
    )
    assert message.delivery == Delivery.SENT, message.failure
    assert message.external_id
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.WAITING
    assert thread.first_answer_at is not None
    assert thread.unread == 0


@pytest.mark.django_db
def test_failed_reply_stays_visible_and_can_be_retried(networks, connect, admin):
    channel = connect(Network.VK)
    thread = reader_thread(networks, channel)
    membership = Membership.objects.get(user=admin)
    networks.fault(network="vk", method="messages.send", error=901, error_rate=1, count=1)
    message = replies.reply_send(thread=thread, membership=membership, text="Продлили.")
    assert message.delivery == Delivery.FAILED
    assert message.failure
    thread.refresh_from_db()
    assert thread.first_answer_at is None
    retried = replies.reply_retry(message=message, membership=membership)
    assert retried.delivery == Delivery.SENT
    assert thread.messages.filter(direction=Direction.OUT).count() == 1
    with pytest.raises(ServiceError):
        replies.reply_retry(message=retried, membership=membership)


@pytest.mark.django_db
def test_roles_that_may_not_answer(networks, connect, member_factory, library):
    channel = connect(Network.TELEGRAM)
    thread = reader_thread(networks, channel)
    for role in (Role.AUTHOR, Role.ANALYST):
        with pytest.raises(ServiceError):
            replies.reply_send(thread=thread, membership=member_factory(role=role), text="Да")
    reference = member_factory(role=Role.REFERENCE)
    assert replies.reply_send(thread=thread, membership=reference, text="Да").pk


@pytest.mark.django_db
def test_library_limits_are_respected(networks, connect, member_factory, organisation):
    from tests.factories import LibraryFactory

    channel = connect(Network.TELEGRAM)
    thread = reader_thread(networks, channel)
    other = LibraryFactory(organisation=organisation)
    limited = member_factory(role=Role.REFERENCE, libraries=[other])
    with pytest.raises(ServiceError):
        replies.reply_send(thread=thread, membership=limited, text="Да")


@pytest.mark.django_db
def test_empty_answer_is_refused(networks, connect, admin):
    channel = connect(Network.MAX)
    thread = reader_thread(networks, channel)
    with pytest.raises(ServiceError):
        replies.reply_send(thread=thread, membership=Membership.objects.get(user=admin), text=" ")


@pytest.mark.django_db
def test_reader_writing_again_reopens_a_waiting_thread(networks, connect, admin):
    channel = connect(Network.TELEGRAM)
    thread = reader_thread(networks, channel)
    membership = Membership.objects.get(user=admin)
    replies.reply_send(thread=thread, membership=membership, text="Продлили.")
    networks.reader_writes(channel.sandbox_key, "Спасибо!", reader_id=4242)
    channel_poll(channel=channel)
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.NEW
    assert thread.unread == 1
