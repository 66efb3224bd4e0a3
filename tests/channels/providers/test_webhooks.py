"""Webhook bodies as the networks send them: secrets checked, events parsed."""

import json

import pytest

from vitrina.channels.providers.errors import Rejected
from vitrina.channels.providers.max import MaxProvider
from vitrina.channels.providers.ok import OkProvider
from vitrina.channels.providers.telegram import TelegramProvider
from vitrina.channels.providers.types import ProviderAccount
from vitrina.channels.providers.vk import VkProvider

VK_ACCOUNT = ProviderAccount(
    "vk",
    "128554301",
    {"webhook_secret": "s3cret"},
    {"kind": "community", "confirmation_code": "a1b2c3d4"},
)
VK_MESSAGE = {
    "type": "message_new",
    "event_id": "e1",
    "v": "5.199",
    "group_id": 128554301,
    "secret": "s3cret",
    "object": {
        "message": {
            "id": 7,
            "date": 1795312540,
            "peer_id": 42,
            "from_id": 42,
            "text": "Здравствуйте",
        }
    },
}


def test_vk_confirmation_answers_the_code():
    body = json.dumps({"type": "confirmation", "group_id": 128554301}).encode()
    result = VkProvider("http://unused").parse_webhook(VK_ACCOUNT, {}, body)
    assert (result.status, result.body, result.events) == (200, "a1b2c3d4", [])


def test_vk_event_with_the_right_secret():
    result = VkProvider("http://unused").parse_webhook(
        VK_ACCOUNT, {}, json.dumps(VK_MESSAGE).encode()
    )
    assert result.body == "ok"
    [event] = result.events
    assert (event.kind, event.thread, event.text) == ("message", "42", "Здравствуйте")


@pytest.mark.parametrize("change", [{"secret": "wrong"}, {"group_id": 1}])
def test_vk_refuses_a_wrong_secret_or_group(change):
    body = json.dumps(dict(VK_MESSAGE, **change)).encode()
    assert VkProvider("http://unused").parse_webhook(VK_ACCOUNT, {}, body).status == 403


def test_telegram_secret_header():
    account = ProviderAccount("telegram", "-100123", {"webhook_secret": "tg-secret"})
    update = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": 1795312540,
            "text": "Привет",
            "from": {"id": 9, "first_name": "Анна"},
            "chat": {"id": 9, "type": "private"},
        },
    }
    provider = TelegramProvider("http://unused")
    body = json.dumps(update).encode()
    good = provider.parse_webhook(account, {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}, body)
    assert good.status == 200 and good.events[0].author_name == "Анна"
    assert provider.parse_webhook(account, {}, body).status == 403


def test_max_secret_header():
    account = ProviderAccount("max", "-70514386221", {"webhook_secret": "max-secret"})
    update = {
        "update_type": "message_created",
        "timestamp": 1795312540000,
        "message": {
            "sender": {"user_id": 5, "name": "Анна"},
            "timestamp": 1795312540000,
            "body": {"mid": "mid.1", "text": "Продлите книгу"},
        },
    }
    provider = MaxProvider("http://unused")
    body = json.dumps(update).encode()
    good = provider.parse_webhook(account, {"X-Max-Bot-Api-Secret": "max-secret"}, body)
    assert good.events[0].text == "Продлите книгу" and good.events[0].thread == "5"
    assert provider.parse_webhook(account, {"X-Max-Bot-Api-Secret": "x"}, body).status == 403


def test_ok_has_no_webhooks():
    with pytest.raises(Rejected):
        OkProvider("http://unused").parse_webhook(ProviderAccount("ok", "1"), {}, b"{}")
