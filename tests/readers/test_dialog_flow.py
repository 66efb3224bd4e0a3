"""Linking end to end through the sandbox's dialogs over real HTTP: the reader starts the
dialog, gets the one-time address, links the card on the page, is confirmed in the dialog,
withdraws with the button and finally stops the bot."""

from urllib.parse import urlsplit

import pytest

from tests.factories.readers import FileLoanFactory, IlsConnectionFactory
from vitrina.inbox.polling import channel_poll
from vitrina.readers.models import Consent, LinkRequest, ReaderLink

READER = 3141592


@pytest.fixture
def loans(library):
    connection = IlsConnectionFactory(library=library, kind="file", second_factor="surname")
    FileLoanFactory(connection=connection, card="Ф123456", surname="Петрова")
    return connection


def buttons(dialog):
    return [button for message in dialog["messages"] for button in message["buttons"]]


@pytest.mark.parametrize("network", ["vk", "max"])
def test_link_withdraw_and_stop_through_the_dialog(client, connect, sandbox, loans, network):
    channel = connect(network)
    key = channel.sandbox_key
    channel_poll(channel=channel)  # the network's cursor starts from now
    sandbox.dialog_action(key, READER, "start", payload="link")
    channel_poll(channel=channel)
    [request] = LinkRequest.objects.all()
    assert request.network_user_id == str(READER)
    [link_button] = [b for b in buttons(sandbox.dialog(key, READER)) if b["url"]]
    path = urlsplit(link_button["url"]).path
    assert path.startswith("/r/link/")
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(
        path, {"card": "Ф123456", "secret": "петрова", "purposes": ["reminders", "renewals"]}
    )
    assert response.status_code == 200, response.content.decode()
    link = ReaderLink.objects.get()
    assert link.network_user_id == str(READER) and link.channel == channel
    dialog = sandbox.dialog(key, READER)
    payloads = " ".join(b["payload"] for b in buttons(dialog))  # VK wraps them in JSON
    assert "books" in payloads and "withdraw" in payloads
    # «Отозвать согласие»: every consent at once, one answer with «Привязать снова».
    sandbox.dialog_action(key, READER, "press", payload="withdraw")
    channel_poll(channel=channel)
    assert not Consent.objects.filter(withdrawn_at__isnull=True).exists()
    last = sandbox.dialog(key, READER)["messages"][-1]
    [again] = last["buttons"]
    assert "link" in again["payload"] and not again["url"]
    # The reader stops the bot or denies messages: the link is stopped.
    sandbox.dialog_action(key, READER, "stop" if network == "max" else "deny")
    channel_poll(channel=channel)
    link.refresh_from_db()
    assert link.state == ReaderLink.State.STOPPED
