import pytest

from vitrina.channels.networks import Network
from vitrina.core.models import Membership
from vitrina.inbox import selectors
from vitrina.inbox.models import ChannelInbox, Delivery, Direction, Message, Thread
from vitrina.inbox.polling import channel_poll, inbox_poll_all
from vitrina.inbox.services import replies


@pytest.mark.django_db
@pytest.mark.parametrize("network", [Network.VK, Network.TELEGRAM, Network.MAX])
def test_poll_stores_readers_messages(networks, connect, network):
    channel = connect(network)
    # The first round sets the cursor: VK Long Poll gives only what comes after it.
    assert channel_poll(channel=channel) == 0
    networks.reader_writes(channel.sandbox_key, "Можно продлить книги?")
    assert channel_poll(channel=channel) == 1
    message = Message.objects.get(channel=channel)
    assert message.direction == Direction.IN
    assert message.text == "Можно продлить книги?"
    assert Thread.objects.get(channel=channel).unread == 1


@pytest.mark.django_db
def test_cursor_resumes_where_it_stopped(networks, connect):
    channel = connect(Network.TELEGRAM)
    sandbox = networks
    sandbox.reader_writes(channel.sandbox_key, "Первое", reader_id=11)
    assert channel_poll(channel=channel) == 1
    cursor = ChannelInbox.objects.get(channel=channel).cursor
    assert cursor
    sandbox.reader_writes(channel.sandbox_key, "Второе", reader_id=11)
    # A new process (nothing kept in memory) continues from the stored cursor.
    channel.refresh_from_db()
    assert channel_poll(channel=channel) == 1
    assert channel_poll(channel=channel) == 0
    texts = list(Message.objects.filter(channel=channel).values_list("text", flat=True))
    assert texts == ["Первое", "Второе"]


@pytest.mark.django_db
def test_replayed_batch_is_dropped(networks, connect):
    """A batch fetched again after a crash (cursor not saved) stores nothing twice."""
    channel = connect(Network.TELEGRAM)
    networks.reader_writes(channel.sandbox_key, "Здравствуйте")
    assert channel_poll(channel=channel) == 1
    ChannelInbox.objects.filter(channel=channel).update(cursor="")
    assert channel_poll(channel=channel) == 0
    assert Message.objects.filter(channel=channel).count() == 1


@pytest.mark.django_db
def test_vk_comments_are_polled_linked_to_the_post_and_answered(networks, connect, schedule, admin):
    from tests.publishing.test_engine import run_once

    channel = connect(Network.VK)
    (variant,) = schedule([channel], text="Новые поступления")
    run_once(variant)
    assert channel_poll(channel=channel) == 0
    networks.reader_writes(channel.sandbox_key, "А когда можно взять?", kind="comment")
    assert channel_poll(channel=channel) == 1
    thread = Thread.objects.get(channel=channel)
    assert thread.kind == "comment"
    assert thread.external_thread == variant.external_id
    assert selectors.commented_variant(thread) == variant
    membership = Membership.objects.get(user=admin)
    answer = replies.reply_send(thread=thread, membership=membership, text="Уже можно!")
    assert answer.delivery == Delivery.SENT, answer.failure
    assert answer.external_id  # the network's id of the reply comment


@pytest.mark.django_db
def test_one_failing_channel_does_not_stop_the_round(networks, connect):
    good = connect(Network.MAX)
    bad = connect(Network.TELEGRAM)
    networks.reader_writes(good.sandbox_key, "Спасибо!")
    bad.secrets.all().delete()  # the bot token was revoked
    results = inbox_poll_all()
    assert results[good.pk] == 1
    assert results[bad.pk] == -1
    assert ChannelInbox.objects.get(channel=bad).poll_error


@pytest.mark.django_db
def test_ok_comments_on_the_groups_topics_arrive_once_and_resume_after_a_restart(
    networks, connect, schedule, admin
):
    from tests.publishing.test_engine import run_once

    channel = connect(Network.OK)
    first, second = (
        schedule([channel], text=text)[0] for text in ("Новые поступления", "Встреча с автором")
    )
    run_once(first)
    run_once(second)
    channel_poll(channel=channel)  # whatever the group's history already holds
    before = Message.objects.filter(channel=channel).count()

    networks.reader_writes(
        channel.sandbox_key, "Когда можно взять?", kind="comment", post_id=first.external_id
    )
    networks.reader_writes(
        channel.sandbox_key, "А запись нужна?", kind="comment", post_id=second.external_id
    )
    assert channel_poll(channel=channel) == 2
    assert channel_poll(channel=channel) == 0
    thread = Thread.objects.get(channel=channel, external_thread=first.external_id)
    assert thread.kind == "comment"
    assert selectors.commented_variant(thread) == first

    # The library answers under the topic: its own comment is not taken for a reader's.
    membership = Membership.objects.get(user=admin)
    answer = replies.reply_send(thread=thread, membership=membership, text="Уже можно!")
    assert answer.delivery == Delivery.SENT, answer.failure
    networks.reader_writes(
        channel.sandbox_key, "Спасибо!", kind="comment", post_id=first.external_id, reader_id=77
    )
    # A restart keeps nothing in memory: the stored cursor is all the next round has.
    cursor = ChannelInbox.objects.get(channel=channel).cursor
    assert cursor
    channel.refresh_from_db()
    assert channel_poll(channel=channel) == 1
    assert ChannelInbox.objects.get(channel=channel).cursor != cursor
    inbound = Message.objects.filter(channel=channel, direction=Direction.IN)
    assert inbound.count() == before + 3
    assert list(
        inbound.filter(thread=thread).order_by("created_at").values_list("text", flat=True)
    ) == ["Когда можно взять?", "Спасибо!"]

    # A batch fetched again after a crash (the cursor lost) stores nothing twice.
    ChannelInbox.objects.filter(channel=channel).update(cursor="")
    assert channel_poll(channel=channel) == 0
    assert inbound.count() == before + 3
    # Answering marked the conversation read; only the reader's thanks came after.
    assert Thread.objects.get(pk=thread.pk).unread == 1


@pytest.mark.django_db
def test_ok_comments_of_readers_over_days_all_arrive_once(networks, connect, schedule):
    from tests.publishing.test_engine import run_once
    from vitrina.channels.connect import provider_account
    from vitrina.channels.providers.registry import get_provider

    channel = connect(Network.OK)
    for text in ("Новые поступления", "Встреча с автором", "Выставка в читальном зале"):
        run_once(schedule([channel], text=text)[0])
    channel_poll(channel=channel)
    for _day in range(6):
        networks.advance(8 * 3600)  # readers comment on the group's recent topics meanwhile
        channel_poll(channel=channel)
    provider, account = get_provider(Network.OK), provider_account(channel)
    written = set()
    for topic in provider.topics(account, 20):
        comments = provider.call(
            account,
            "discussions.getDiscussionComments",
            discussionId=topic["id"],
            discussionType="GROUP_TOPIC",
            count=100,
            gid=account.external_id,
        )["comments"]
        written |= {f"c{topic['id']}_{comment['id']}" for comment in comments}
    stored = list(
        Message.objects.filter(channel=channel, direction=Direction.IN).values_list(
            "external_id", flat=True
        )
    )
    assert len(written) >= 5
    assert sorted(stored) == sorted(written)


@pytest.mark.django_db
def test_the_long_poll_key_is_stored_encrypted_and_never_logged(networks, connect, caplog):
    import json
    import logging

    from vitrina.core.crypto import decrypt

    caplog.set_level(logging.INFO)
    channel = connect(Network.VK)
    channel_poll(channel=channel)
    networks.reader_writes(channel.sandbox_key, "Можно продлить книги?")
    assert channel_poll(channel=channel) == 1
    stored = ChannelInbox.objects.get(channel=channel).cursor
    key = json.loads(decrypt(stored))["key"]
    assert key and key not in stored
    assert key not in caplog.text


@pytest.mark.django_db
def test_a_failing_channel_is_told_once_and_retried_later(networks, connect, caplog, settings):
    import logging

    from vitrina.channels.providers.errors import ProviderError

    channel = connect(Network.TELEGRAM)
    networks.fault(network="telegram", method="getUpdates", error_rate=1, error=500)
    caplog.set_level(logging.DEBUG, logger="vitrina.inbox.polling")
    for _round in range(3):
        with pytest.raises(ProviderError):
            channel_poll(channel=channel)
    told = [r for r in caplog.records if "inbox poll of channel" in r.getMessage()]
    assert [record.levelno for record in told] == [logging.WARNING, logging.DEBUG, logging.DEBUG]
    inbox = ChannelInbox.objects.get(channel=channel)
    assert inbox.poll_error
    # The scheduler's rounds leave it alone for a while instead of asking every 10 s.
    assert inbox_poll_all() == {}
    settings.INBOX_POLL_RETRY_SECONDS = 0
    networks.clear_faults()
    assert inbox_poll_all() == {channel.pk: 0}
    assert ChannelInbox.objects.get(channel=channel).poll_error == ""


@pytest.mark.django_db
def test_a_refused_token_stops_the_polls_until_reconnected(networks, connect):
    from vitrina.channels.networks import ConnectionState
    from vitrina.channels.providers.errors import AuthExpired

    channel = connect(Network.TELEGRAM)
    networks.http.post(
        "/sandbox/control/faults", json={"expire_tokens": {"network": "telegram"}}
    ).raise_for_status()
    with pytest.raises(AuthExpired):
        channel_poll(channel=channel)
    channel.refresh_from_db()
    assert channel.connection_state == ConnectionState.NEEDS_RECONNECT
    assert inbox_poll_all() == {}
