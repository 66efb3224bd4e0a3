"""Choosing polling or the webhook on the channel's receiving page, against the sandbox
over real HTTP: the sandbox posts to the running application (``live_server``)."""

import time

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from tests.factories import ChannelFactory
from tests.factories.inbox import ChannelInboxFactory
from vitrina.channels.models import ChannelSecret
from vitrina.channels.networks import Kind, Network, SecretKind
from vitrina.core import crypto
from vitrina.core.models import AuditEntry
from vitrina.core.roles import Role
from vitrina.inbox.admin import ChannelInboxAdmin
from vitrina.inbox.models import ChannelInbox, Message, ReceiveMode
from vitrina.inbox.polling import channel_poll


def wait_for(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def page(client, admin, settings, live_server):
    """Post the receiving form of a channel as an administrator; the site's public address
    is the running test server, so the sandbox can reach the webhook."""
    settings.SITE_URL = live_server.url
    client.force_login(admin)

    def post(channel, **data):
        url = reverse(
            "inbox:receiving", kwargs={"org": channel.organisation.slug, "channel_id": channel.pk}
        )
        return client.post(url, data)

    return post


def hook_of(sandbox, channel):
    return sandbox.accounts()[channel.sandbox_key]["webhook"]


def stored_secret(channel) -> str:
    secret = ChannelSecret.objects.get(channel=channel, kind=SecretKind.WEBHOOK_SECRET)
    return crypto.decrypt(secret.ciphertext)


@pytest.mark.parametrize("network", [Network.TELEGRAM, Network.MAX])
def test_webhook_is_registered_receives_and_is_removed(
    networks, connect, page, client, live_server, network
):
    channel = connect(network)
    response = page(channel, mode="webhook")
    assert response.status_code == 302, response.content.decode()
    inbox = ChannelInbox.objects.get(channel=channel)
    assert inbox.mode == ReceiveMode.WEBHOOK
    hook = hook_of(networks, channel)
    assert hook["url"] == f"{live_server.url}/hooks/{network}/{inbox.hook_token}/"
    # The network holds the same secret Vitrina keeps encrypted.
    assert hook["secret"] == stored_secret(channel)
    assert len(hook["secret"]) >= 32
    entry = AuditEntry.objects.get(action="inbox.receiving_changed")
    assert entry.changes["mode"] == ["poll", "webhook"]

    networks.reader_writes(channel.sandbox_key, "Пришло вебхуком", reader_id=31)
    assert wait_for(lambda: Message.objects.filter(channel=channel).exists())
    assert Message.objects.get(channel=channel).text == "Пришло вебхуком"
    inbox.refresh_from_db()
    assert inbox.last_event_at is not None
    shown = client.get(response.url).content.decode()
    assert inbox.hook_token in shown
    assert "Вебхук" in shown

    response = page(channel, mode="poll")
    assert response.status_code == 302
    assert hook_of(networks, channel) is None
    assert ChannelInbox.objects.get(channel=channel).mode == ReceiveMode.POLL
    assert AuditEntry.objects.filter(action="inbox.receiving_changed").count() == 2
    # Polling takes over from where it stopped; what came by webhook is not stored twice.
    networks.reader_writes(channel.sandbox_key, "Пришло опросом", reader_id=31)
    channel_poll(channel=channel)
    texts = sorted(Message.objects.filter(channel=channel).values_list("text", flat=True))
    assert texts == ["Пришло вебхуком", "Пришло опросом"]


@pytest.mark.parametrize(
    ("network", "header"),
    [(Network.TELEGRAM, "X-Telegram-Bot-Api-Secret-Token"), (Network.MAX, "X-Max-Bot-Api-Secret")],
)
def test_webhook_with_a_wrong_secret_is_refused(networks, connect, page, network, header):
    import httpx

    channel = connect(network)
    assert page(channel, mode="webhook").status_code == 302
    url = hook_of(networks, channel)["url"]
    for headers in ({header: "guessed-secret"}, {}):
        answer = httpx.post(url, json={"update_id": 1}, headers=headers)
        assert answer.status_code == 403
    assert ChannelInbox.objects.get(channel=channel).refused_at is not None
    # Both refusals fall in one window: the audit log has one line for them.
    assert AuditEntry.objects.filter(action="inbox.webhook_refused").count() == 1
    assert not Message.objects.filter(channel=channel).exists()


def test_vk_callback_server_is_added_confirmed_and_removed(networks, connect, page):
    channel = connect(Network.VK)
    assert page(channel, mode="webhook").status_code == 302
    inbox = ChannelInbox.objects.get(channel=channel)
    assert inbox.confirmation_code
    # VK asked the address for the code at once, and the application answered it.
    assert wait_for(lambda: hook_of(networks, channel)["status"] == "ok")
    hook = hook_of(networks, channel)
    assert hook["secret"] == stored_secret(channel)
    # Messages and comments for the inbox, and the dialog events of reader services.
    assert hook["events"] == [
        "message_allow",
        "message_deny",
        "message_event",
        "message_new",
        "wall_reply_new",
    ]
    networks.reader_writes(channel.sandbox_key, "Через Callback API")
    assert wait_for(lambda: Message.objects.filter(channel=channel).exists())
    assert page(channel, mode="poll").status_code == 302
    assert hook_of(networks, channel) is None


def test_vk_set_up_by_hand_shows_the_secret(networks, connect, page, client):
    channel = connect(Network.VK)
    response = page(channel, mode="webhook", confirmation_code="4f2a91c0")
    assert response.status_code == 302
    inbox = ChannelInbox.objects.get(channel=channel)
    assert inbox.mode == ReceiveMode.WEBHOOK
    assert inbox.confirmation_code == "4f2a91c0"
    assert hook_of(networks, channel) is None  # the librarian adds it in VK
    shown = client.get(response.url).content.decode()
    assert stored_secret(channel) in shown
    assert "4f2a91c0" in shown


def test_a_refused_address_is_explained_and_nothing_changes(networks, connect, page, settings):
    channel = connect(Network.TELEGRAM)
    settings.SITE_URL = "ftp://vitrina.example"
    response = page(channel, mode="webhook")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Не удалось зарегистрировать адрес в Telegram" in html
    assert "https://" in html
    inbox = ChannelInbox.objects.get(channel=channel)
    assert inbox.mode == ReceiveMode.POLL
    assert "https://" in inbox.setup_error
    assert hook_of(networks, channel) is None
    assert AuditEntry.objects.filter(action="inbox.receiving_failed").exists()


def test_odnoklassniki_is_polled_only(networks, connect, page, client):
    channel = connect(Network.OK)
    response = page(channel, mode="webhook")
    assert response.status_code == 400
    assert "только опросом" in response.content.decode()
    assert ChannelInbox.objects.get(channel=channel).mode == ReceiveMode.POLL
    url = reverse(
        "inbox:receiving", kwargs={"org": channel.organisation.slug, "channel_id": channel.pk}
    )
    assert "Сообщения группы" in client.get(url).content.decode()


@pytest.mark.django_db
def test_only_those_who_manage_channels_may_change_it(client, member_factory, library):
    from tests.factories import ChannelFactory

    channel = ChannelFactory(library=library, network=Network.TELEGRAM)
    client.force_login(member_factory(role=Role.REFERENCE).user)
    org = channel.organisation.slug
    url = reverse("inbox:receiving", kwargs={"org": org, "channel_id": channel.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"mode": "webhook"}).status_code == 403
    assert client.get(reverse("inbox:receiving-list", kwargs={"org": org})).status_code == 403


@pytest.mark.django_db
def test_pages_are_linked_from_the_channel_and_the_inbox(client, admin, library):
    from tests.factories import ChannelFactory

    channel = ChannelFactory(library=library, network=Network.MAX)
    client.force_login(admin)
    org = channel.organisation.slug
    page_url = reverse("inbox:receiving", kwargs={"org": org, "channel_id": channel.pk})
    detail = client.get(reverse("channels:detail", kwargs={"org": org, "channel_id": channel.pk}))
    assert page_url in detail.content.decode()
    list_url = reverse("inbox:receiving-list", kwargs={"org": org})
    assert list_url in client.get(reverse("inbox:list", kwargs={"org": org})).content.decode()
    overview = client.get(list_url).content.decode()
    assert page_url in overview


def test_a_refused_new_registration_keeps_the_one_in_force(networks, connect, page, settings):
    channel = connect(Network.MAX)
    assert page(channel, mode="webhook").status_code == 302
    secret = stored_secret(channel)
    settings.SITE_URL = "ftp://vitrina.example"
    response = page(channel, mode="webhook")
    assert response.status_code == 400
    assert "Не удалось зарегистрировать адрес в MAX" in response.content.decode()
    # MAX still posts to the first address with the first secret: it must still be accepted.
    assert hook_of(networks, channel)["secret"] == secret == stored_secret(channel)
    networks.reader_writes(channel.sandbox_key, "Всё ещё доходит")
    assert wait_for(lambda: Message.objects.filter(channel=channel).exists())


@pytest.mark.django_db
def test_the_admin_shows_the_webhook_address_where_the_network_sends_webhooks(library):
    admin = ChannelInboxAdmin(ChannelInbox, site)
    vk = ChannelInboxFactory(channel=ChannelFactory(library=library, network=Network.VK))
    ok = ChannelInboxFactory(
        channel=ChannelFactory(library=library, network=Network.OK, kind=Kind.GROUP)
    )
    assert admin.webhook_address(vk).endswith(f"/hooks/vk/{vk.hook_token}/")
    assert admin.webhook_address(ok) == "—"
