"""Webhooks answer whatever arrives without a server error and store nothing of it: the
network's authenticity is checked first, a malformed body gets a 4xx (VK, which repeats every
event not answered "ok", gets "ok" once its secret is right)."""

import copy

import pytest
from django.urls import reverse

from tests.inbox.conftest import WEBHOOK_SECRET
from vitrina.channels.networks import Network
from vitrina.channels.providers.registry import networks_where
from vitrina.inbox.models import Message, Thread

pytestmark = pytest.mark.django_db

VK_COMMENT = {
    "type": "wall_reply_new",
    "group_id": 1001,
    "secret": WEBHOOK_SECRET,
    "object": {"id": 5, "post_id": 77, "from_id": 555, "date": 1763800000, "text": "Когда?"},
}
TELEGRAM_COMMENT = {
    "update_id": 11,
    "message": {
        "message_id": 4,
        "date": 1763800000,
        "chat": {"id": -100888, "type": "supergroup"},
        "from": {"id": 42, "first_name": "Пётр"},
        "text": "Хорошая подборка",
        "reply_to_message": {"forward_origin": {"type": "channel", "message_id": 12}},
    },
}
MAX_MESSAGE = {
    "update_type": "message_created",
    "timestamp": 1763800000000,
    "message": {
        "sender": {"user_id": 901, "name": "Мария"},
        "timestamp": 1763800000000,
        "body": {"mid": "mid.abc", "text": "Спасибо за выставку!"},
    },
}


def _without(event: dict, *path: str) -> dict:
    broken = copy.deepcopy(event)
    target = broken
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return broken


def _with(event: dict, value, *path: str) -> dict:
    broken = copy.deepcopy(event)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return broken


# Per network: its channel's id, how the secret travels, a good event, and broken ones that
# carry the right secret.
NETWORKS = {
    Network.VK: {
        "external_id": "1001",
        "sign": lambda body, secret: (
            {**body, "secret": secret} if isinstance(body, dict) else body,
            {},
        ),
        "good": VK_COMMENT,
        "broken": {
            "empty object": _with(VK_COMMENT, {}, "object"),
            "object not an object": _with(VK_COMMENT, [1, 2], "object"),
            "date of 10^15": _with(VK_COMMENT, 10**15, "object", "date"),
            "date as a string": _with(VK_COMMENT, "вчера", "object", "date"),
            "comment without its post": _without(VK_COMMENT, "object", "post_id"),
            "comment without its author": _without(VK_COMMENT, "object", "from_id"),
            "text not a string": _with(VK_COMMENT, {"a": 1}, "object", "text"),
            "message without fields": {
                "type": "message_new",
                "group_id": 1001,
                "secret": WEBHOOK_SECRET,
                "object": {"message": {"text": "Здравствуйте"}},
            },
        },
        "malformed_status": 200,
    },
    Network.TELEGRAM: {
        "external_id": "-100777",
        "sign": lambda body, secret: (body, {"X-Telegram-Bot-Api-Secret-Token": secret}),
        "good": TELEGRAM_COMMENT,
        "broken": {
            "empty message": _with(TELEGRAM_COMMENT, {"text": "Здравствуйте"}, "message"),
            "message not an object": _with(TELEGRAM_COMMENT, "x", "message"),
            "date of 10^15": _with(TELEGRAM_COMMENT, 10**15, "message", "date"),
            "date as a string": _with(TELEGRAM_COMMENT, "вчера", "message", "date"),
            "comment without its post": _without(
                TELEGRAM_COMMENT, "message", "reply_to_message", "forward_origin", "message_id"
            ),
            "comment without its chat": _without(TELEGRAM_COMMENT, "message", "chat"),
            "text not a string": _with(TELEGRAM_COMMENT, 5, "message", "text"),
        },
        "malformed_status": 400,
    },
    Network.MAX: {
        "external_id": "-7001",
        "sign": lambda body, secret: (body, {"X-Max-Bot-Api-Secret": secret}),
        "good": MAX_MESSAGE,
        "broken": {
            "empty message": _with(MAX_MESSAGE, {}, "message"),
            "date of 10^15": _with(MAX_MESSAGE, 10**18, "message", "timestamp"),
            "date as a string": _with(MAX_MESSAGE, "вчера", "message", "timestamp"),
            "message without its body": _without(MAX_MESSAGE, "message", "body"),
            "message without its id": _without(MAX_MESSAGE, "message", "body", "mid"),
            "text not a string": _with(MAX_MESSAGE, ["x"], "message", "body", "text"),
        },
        "malformed_status": 400,
    },
}

NOT_OBJECTS = {"a list": b"[]", "null": b"null", "not JSON": b"{not json", "not UTF-8": b"\xff"}


def test_every_network_that_sends_webhooks_is_covered():
    assert set(networks_where(lambda provider: provider.receiving.webhooks)) == set(NETWORKS)


def _post(client, url, body, headers):
    import json

    raw = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(url, raw, content_type="application/json", headers=headers)


@pytest.fixture
def hook(client, hooked):
    def make(network):
        facts = NETWORKS[network]
        channel, inbox = hooked(network, external_id=facts["external_id"])
        url = reverse("inbox-hook", kwargs={"network": network, "token": inbox.hook_token})

        def send(body, secret=WEBHOOK_SECRET):
            signed, headers = facts["sign"](body, secret)
            return _post(client, url, signed, headers)

        return channel, send

    return make


@pytest.mark.parametrize("network", list(NETWORKS))
def test_the_good_event_is_stored(hook, network):
    channel, send = hook(network)
    response = send(NETWORKS[network]["good"])
    assert response.status_code == 200, response.content
    assert Message.objects.filter(channel=channel).count() == 1


@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("name", list(NOT_OBJECTS))
def test_a_body_that_is_not_an_object_is_a_4xx(hook, network, name):
    channel, send = hook(network)
    for secret in (WEBHOOK_SECRET, "guess"):
        response = send(NOT_OBJECTS[name], secret=secret)
        assert 400 <= response.status_code < 500, (secret, response.status_code)
    assert not Message.objects.filter(channel=channel).exists()


@pytest.mark.parametrize("network", list(NETWORKS))
def test_a_wrong_secret_is_refused_before_the_body_is_read(hook, network):
    channel, send = hook(network)
    for body in [NETWORKS[network]["good"], *NETWORKS[network]["broken"].values()]:
        assert send(body, secret="guess").status_code == 403
    assert not Message.objects.filter(channel=channel).exists()


@pytest.mark.parametrize(
    ("network", "name"),
    [(network, name) for network, facts in NETWORKS.items() for name in facts["broken"]],
)
def test_a_malformed_event_with_the_right_secret_stores_nothing(hook, network, name):
    channel, send = hook(network)
    response = send(NETWORKS[network]["broken"][name])
    assert response.status_code == NETWORKS[network]["malformed_status"], response.content
    assert not Message.objects.filter(channel=channel).exists()
    assert not Thread.objects.filter(channel=channel).exists()
