import json

import pytest
from django.urls import reverse

from tests.inbox.conftest import WEBHOOK_SECRET
from vitrina.channels.networks import Network
from vitrina.core.models import AuditEntry
from vitrina.inbox.models import Message, Thread


def vk_message(group_id, message_id, *, secret=WEBHOOK_SECRET, text="Можно продлить книги?"):
    return {
        "type": "message_new",
        "group_id": int(group_id),
        "secret": secret,
        "event_id": f"ev{message_id}",
        "object": {
            "message": {
                "id": message_id,
                "peer_id": 555,
                "from_id": 555,
                "date": 1763800000 + message_id,
                "text": text,
            }
        },
    }


def post_json(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_vk_confirmation_answers_the_code(client, hooked):
    _channel, inbox = hooked(Network.VK)
    url = reverse("inbox-hook", kwargs={"network": "vk", "token": inbox.hook_token})
    response = post_json(client, url, {"type": "confirmation", "group_id": 1001})
    assert response.status_code == 200
    assert response.content == b"a1b2c3"


@pytest.mark.django_db
def test_vk_event_is_stored_once(client, hooked):
    channel, inbox = hooked(Network.VK)
    url = reverse("inbox-hook", kwargs={"network": "vk", "token": inbox.hook_token})
    for _attempt in range(2):
        response = post_json(client, url, vk_message(1001, 7))
        assert response.status_code == 200
        assert response.content == b"ok"
    assert Message.objects.filter(channel=channel).count() == 1
    thread = Thread.objects.get(channel=channel)
    assert thread.unread == 1
    assert thread.reader_id == "555"
    assert thread.organisation == channel.organisation


@pytest.mark.django_db
def test_vk_bad_secret_is_refused_and_audited(client, hooked):
    channel, inbox = hooked(Network.VK)
    url = reverse("inbox-hook", kwargs={"network": "vk", "token": inbox.hook_token})
    response = post_json(client, url, vk_message(1001, 8, secret="guess"))
    assert response.status_code == 403
    assert not Message.objects.exists()
    entry = AuditEntry.objects.get(action="inbox.webhook_refused")
    assert entry.organisation == channel.organisation


@pytest.mark.django_db
def test_refused_webhooks_are_audited_once_per_channel_and_window(client, hooked, settings):
    settings.TRUSTED_PROXIES = []
    channel, inbox = hooked(Network.VK)
    other, other_inbox = hooked(Network.VK, external_id="1002")
    url = reverse("inbox-hook", kwargs={"network": "vk", "token": inbox.hook_token})
    other_url = reverse("inbox-hook", kwargs={"network": "vk", "token": other_inbox.hook_token})
    for attempt in range(30):
        assert post_json(client, url, vk_message(1001, attempt, secret="x")).status_code == 403
    assert post_json(client, other_url, vk_message(1002, 1, secret="x")).status_code == 403
    entries = AuditEntry.objects.filter(action="inbox.webhook_refused")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(
        [str(channel.pk), str(other.pk)]
    )
    # The receiving page still shows the latest refusal.
    inbox.refresh_from_db()
    assert inbox.refused_at is not None


@pytest.mark.django_db
def test_telegram_secret_header(client, hooked):
    channel, inbox = hooked(Network.TELEGRAM, external_id="-100777")
    url = reverse("inbox-hook", kwargs={"network": "telegram", "token": inbox.hook_token})
    update = {
        "update_id": 10,
        "message": {
            "message_id": 3,
            "date": 1763800000,
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "first_name": "Пётр", "last_name": "Иванов"},
            "text": "Здравствуйте, когда вы открыты?",
        },
    }
    refused = post_json(client, url, update)
    assert refused.status_code == 403
    wrong = post_json(client, url, update, **{"X-Telegram-Bot-Api-Secret-Token": "nope"})
    assert wrong.status_code == 403
    ok = post_json(client, url, update, **{"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    again = post_json(client, url, update, **{"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    assert ok.status_code == again.status_code == 200
    message = Message.objects.get(channel=channel)
    assert message.author_name == "Пётр Иванов"
    assert AuditEntry.objects.filter(action="inbox.webhook_refused").count() == 1


@pytest.mark.django_db
def test_max_secret_header(client, hooked):
    channel, inbox = hooked(Network.MAX, external_id="-7001")
    url = reverse("inbox-hook", kwargs={"network": "max", "token": inbox.hook_token})
    update = {
        "update_type": "message_created",
        "timestamp": 1763800000000,
        "message": {
            "sender": {"user_id": 901, "name": "Мария"},
            "timestamp": 1763800000000,
            "body": {"mid": "mid.abc", "text": "Спасибо за выставку!"},
        },
    }
    assert post_json(client, url, update).status_code == 403
    headers = {"X-Max-Bot-Api-Secret": WEBHOOK_SECRET}
    assert post_json(client, url, update, **headers).status_code == 200
    assert post_json(client, url, update, **headers).status_code == 200
    assert Message.objects.filter(channel=channel).count() == 1


@pytest.mark.django_db
def test_unknown_token_or_wrong_network_is_404(client, hooked):
    _channel, inbox = hooked(Network.VK)
    assert post_json(client, "/hooks/vk/unknown/", {}).status_code == 404
    url = reverse("inbox-hook", kwargs={"network": "telegram", "token": inbox.hook_token})
    assert post_json(client, url, {}).status_code == 404


@pytest.mark.django_db
def test_webhook_needs_no_csrf_token(hooked):
    from django.test import Client

    _channel, inbox = hooked(Network.VK)
    client = Client(enforce_csrf_checks=True)
    url = reverse("inbox-hook", kwargs={"network": "vk", "token": inbox.hook_token})
    assert post_json(client, url, vk_message(1001, 9)).status_code == 200


@pytest.mark.django_db
def test_one_route_serves_only_networks_that_send_webhooks(client, hooked):
    channel, inbox = hooked(Network.VK)
    body = vk_message(1001, 8)
    # A network without webhooks (OK), one without a provider, or another network's address
    # for this channel's token: nothing is there.
    for network in ("ok", "website", "nosuchnet", "telegram"):
        url = reverse("inbox-hook", kwargs={"network": network, "token": inbox.hook_token})
        assert post_json(client, url, body).status_code == 404, network
    assert not Message.objects.filter(channel=channel).exists()
    url = reverse("inbox-hook", kwargs={"network": "vk", "token": inbox.hook_token})
    assert client.get(url).status_code == 405
