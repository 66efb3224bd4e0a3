"""Private dialogs with readers, each provider against the sandbox over real HTTP: messages
with buttons, never twice, readers who cannot be written to, rate limits, looking up a
message whose answer was lost, and the dialog events through polling and webhooks."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from vitrina.channels.providers.errors import (
    RateLimited,
    Rejected,
    Transient,
    Undeliverable,
    Unverifiable,
)
from vitrina.channels.providers.registry import provider_class
from vitrina.channels.providers.types import Button, DirectMessage, ProviderAccount

ACCOUNTS = {"vk": "vk:medlib42", "telegram": "telegram:medlib42_news", "max": "max:medlib42"}
NETWORKS = list(ACCOUNTS)
READER = 777001
BUTTONS = [
    Button("Мои книги", payload="books"),
    Button("Продлить", payload="renew:15"),
    Button("Личный кабинет", url="https://library.example/cabinet"),
]
# High enough that only the sandbox's own limits refuse, never Vitrina's limiter.
UNTHROTTLED = {
    "vk": {"community_rps": 1000},
    "telegram": {"chat_rps": 1000, "bot_rps": 1000},
    "max": {"chat_rps": 1000, "bot_rps": 1000},
}


def started(sandbox, network, reader=READER, payload="abc123"):
    sandbox.dialog_action(ACCOUNTS[network], reader, "start", payload=payload)


def events_of(provider, account, cursor=None):
    events, cursor = provider.fetch_updates(account, cursor, timeout=0)
    return events, cursor


def test_the_networks_facts():
    vk, mx, tg, ok = (provider_class(n).messaging for n in ("vk", "max", "telegram", "ok"))
    assert vk.can_write_first and vk.reader_default and vk.findable and vk.text == 9000
    assert mx.can_write_first and mx.reader_default and mx.dialog_rate == 2.0
    assert tg.can_write_first and tg.foreign and not tg.reader_default and not tg.findable
    assert "41-ФЗ" in tg.note
    assert not ok.can_write_first and "только отвечать" in ok.note


@pytest.mark.parametrize("network", NETWORKS)
def test_a_message_with_buttons_lands_in_the_readers_dialog(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    started(sandbox, network)
    sent = provider.send_direct(
        account,
        DirectMessage(str(READER), "Срок возврата книги — завтра.", key="r-1", buttons=BUTTONS),
    )
    assert sent.external_id and sent.sent_at is not None
    dialog = sandbox.dialog(ACCOUNTS[network], READER)
    last = dialog["messages"][-1]
    assert not last["incoming"] and last["text"] == "Срок возврата книги — завтра."
    assert [b["label"] for b in last["buttons"]] == ["Мои книги", "Продлить", "Личный кабинет"]
    assert last["buttons"][2]["url"] == "https://library.example/cabinet"
    assert last["buttons"][1]["payload"]  # the network's own form of «renew:15»


def test_vk_the_same_key_is_delivered_once(sandbox):
    provider, account = sandbox.provider("vk"), sandbox.account(ACCOUNTS["vk"])
    started(sandbox, "vk")
    message = DirectMessage(str(READER), "Книга ждёт вас", key="reminder-42")
    first = provider.send_direct(account, message)
    again = provider.send_direct(account, message)
    assert first.external_id == again.external_id
    outgoing = [m for m in sandbox.dialog("vk:medlib42", READER)["messages"] if not m["incoming"]]
    assert len(outgoing) == 1


@pytest.mark.parametrize("network", ["vk", "max"])
def test_a_lost_answer_is_found_in_the_dialog_and_not_sent_again(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    started(sandbox, network)
    method = {"vk": "messages.send", "max": "messages.send"}[network]
    sandbox.fault(network=network, method=method, drop_rate=1, count=1)
    message = DirectMessage(str(READER), "Напоминание о книге", key="lost-1", buttons=BUTTONS)
    with pytest.raises(Transient) as caught:
        provider.send_direct(account, message)
    assert caught.value.outcome_unknown
    found = provider.find_direct(account, message)
    assert found is not None and found.external_id
    other = DirectMessage(str(READER), "Такого не отправляли", key="never-sent")
    assert provider.find_direct(account, other) is None
    outgoing = [
        m for m in sandbox.dialog(ACCOUNTS[network], READER)["messages"] if not m["incoming"]
    ]
    assert len(outgoing) == 1


def test_max_without_a_dialog_cannot_tell(sandbox):
    provider, account = sandbox.provider("max"), sandbox.account(ACCOUNTS["max"])
    with pytest.raises(Unverifiable):
        provider.find_direct(account, DirectMessage("4242", "?", key="k"))


def test_telegram_cannot_tell_whether_a_lost_message_went_out(sandbox):
    provider, account = sandbox.provider("telegram"), sandbox.account(ACCOUNTS["telegram"])
    with pytest.raises(Unverifiable):
        provider.find_direct(account, DirectMessage(str(READER), "?", key="k"))


@pytest.mark.parametrize("network", NETWORKS)
def test_a_reader_who_never_wrote_cannot_be_written_to(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    with pytest.raises(Undeliverable) as caught:
        provider.send_direct(account, DirectMessage("5550001", "Здравствуйте", key="n-1"))
    assert caught.value.message  # plain Russian for the librarian
    assert {"vk": 901, "max": "chat.denied", "telegram": 403}[network] == caught.value.code


@pytest.mark.parametrize(
    ("network", "action"), [("vk", "deny"), ("max", "stop"), ("telegram", "stop")]
)
def test_a_reader_who_withdrew_cannot_be_written_to(sandbox, network, action):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    started(sandbox, network)
    provider.send_direct(account, DirectMessage(str(READER), "Первое", key="w-1"))
    sandbox.dialog_action(ACCOUNTS[network], READER, action)
    with pytest.raises(Undeliverable):
        provider.send_direct(account, DirectMessage(str(READER), "Второе", key="w-2"))
    if network == "telegram":
        blocked = sandbox.http.post(
            f"/telegram/bot{account.tokens['bot']}/sendMessage",
            json={"chat_id": READER, "text": "?"},
        ).json()
        assert blocked["description"] == "Forbidden: bot was blocked by the user"


def test_vk_allowing_again_after_denying(sandbox):
    provider, account = sandbox.provider("vk"), sandbox.account(ACCOUNTS["vk"])
    sandbox.dialog_action("vk:medlib42", READER, "allow", payload="link-key")
    provider.send_direct(account, DirectMessage(str(READER), "Можно", key="a-1"))
    sandbox.dialog_action("vk:medlib42", READER, "deny")
    with pytest.raises(Undeliverable):
        provider.send_direct(account, DirectMessage(str(READER), "Нельзя", key="a-2"))
    sandbox.dialog_action("vk:medlib42", READER, "allow")
    provider.send_direct(account, DirectMessage(str(READER), "Снова можно", key="a-3"))


def test_too_long_and_wrong_buttons_are_refused_before_sending(sandbox):
    vk, tg = sandbox.provider("vk"), sandbox.provider("telegram")
    with pytest.raises(Rejected) as caught:
        vk.send_direct(sandbox.account("vk:medlib42"), DirectMessage("1", "я" * 9001, key="x"))
    assert caught.value.code == 914
    wide = [Button("Продлить", payload="renew:" + "9" * 70)]
    with pytest.raises(Rejected) as caught:
        tg.send_direct(
            sandbox.account("telegram:medlib42_news"),
            DirectMessage("1", "Текст", key="y", buttons=wide),
        )
    assert caught.value.code == "button_payload"


@pytest.mark.parametrize(("network", "count"), [("max", 4), ("telegram", 6), ("vk", 30)])
def test_the_networks_rate_limits_are_counted(sandbox, network, count):
    provider = sandbox.provider(network, rates=UNTHROTTLED[network])
    account = sandbox.account(ACCOUNTS[network])
    started(sandbox, network)
    limited = []
    for number in range(count):
        try:
            provider.send_direct(
                account, DirectMessage(str(READER), f"№{number}", key=f"rate-{number}")
            )
        except RateLimited as error:
            limited.append(error)
    assert limited and limited[0].retry_after > 0
    assert sandbox.limits()[network] >= len(limited)


@pytest.mark.parametrize("network", NETWORKS)
def test_dialog_events_through_polling(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    key = ACCOUNTS[network]
    _, cursor = events_of(provider, account)  # from now on
    started(sandbox, network, payload="link_9f3a")
    provider.send_direct(
        account, DirectMessage(str(READER), "Ваши книги", key="e-1", buttons=BUTTONS)
    )
    pressed = sandbox.dialog_action(key, READER, "press", payload="renew:15")
    sandbox.dialog_action(key, READER, "write", text="Спасибо!")
    sandbox.dialog_action(key, READER, "stop")
    events, cursor = events_of(provider, account, cursor)
    kinds = [e.kind for e in events]
    assert kinds.count("dialog_started") == 1
    start = next(e for e in events if e.kind == "dialog_started")
    assert start.raw["start"] == "link_9f3a"
    button = next(e for e in events if e.kind == "button")
    assert button.text == "renew:15" and button.raw["event_id"] == pressed["callback_id"]
    assert any(e.kind == "message" and e.text == "Спасибо!" for e in events)
    assert kinds[-1] == "dialog_stopped"
    assert all(e.thread == e.author_id == str(READER) for e in events)
    assert len({e.external_id for e in events}) == len(events)
    provider.answer_button(account, button, "Продлеваю…")
    assert events_of(provider, account, cursor)[0] == []


def test_an_answered_button_cannot_be_answered_twice_in_telegram(sandbox):
    provider, account = sandbox.provider("telegram"), sandbox.account(ACCOUNTS["telegram"])
    _, cursor = events_of(provider, account)
    started(sandbox, "telegram")
    provider.send_direct(account, DirectMessage(str(READER), "?", key="t-1", buttons=BUTTONS))
    sandbox.dialog_action(ACCOUNTS["telegram"], READER, "press", payload="books")
    events, _ = events_of(provider, account, cursor)
    button = next(e for e in events if e.kind == "button")
    provider.answer_button(account, button)
    with pytest.raises(Rejected):
        provider.answer_button(account, button)


def test_vk_allowing_carries_the_key(sandbox):
    provider, account = sandbox.provider("vk"), sandbox.account(ACCOUNTS["vk"])
    _, cursor = events_of(provider, account)
    sandbox.dialog_action("vk:medlib42", READER, "allow", payload="nonce-5d1")
    events, _ = events_of(provider, account, cursor)
    [allowed] = [e for e in events if e.kind == "dialog_allowed"]
    assert allowed.raw["key"] == "nonce-5d1" and allowed.author_id == str(READER)


def test_deep_links():
    vk, mx, tg = (provider_class(n) for n in ("vk", "max", "telegram"))
    account = ProviderAccount("vk", "42", {}, {"username": "medlib42"})
    assert vk.dialog_link(account, "abc") == "https://vk.me/medlib42?ref=abc"
    bot = ProviderAccount("max", "1", {}, {"username": "medlib_bot"})
    assert mx.dialog_link(bot, "abc") == "https://max.ru/medlib_bot?start=abc"
    assert tg.dialog_link(bot, "abc-_1") == "https://t.me/medlib_bot?start=abc-_1"
    assert tg.dialog_link(bot, "не латиница") == ""


# Webhooks: the sandbox posts the dialog events to a receiver that hands each body to the
# provider, as the inbox's webhook view does.


class Hook(BaseHTTPRequestHandler):
    provider = None
    account = None
    events: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        result = Hook.provider.parse_webhook(Hook.account, self.headers, body)
        Hook.events.extend(result.events)
        self.send_response(result.status)
        self.end_headers()
        self.wfile.write(result.body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    Hook.events = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def wait_for(predicate, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("network", NETWORKS)
def test_dialog_events_through_webhooks(sandbox, hook, network):
    provider = sandbox.provider(network)
    account = sandbox.account(ACCOUNTS[network], tokens={"webhook_secret": "s3cret-hook"})
    if network == "vk":
        account.extra["confirmation_code"] = provider.confirmation_code(account)
    Hook.provider, Hook.account = provider, account
    provider.webhook_register(account, hook, "s3cret-hook")
    if network == "vk":
        assert wait_for(lambda: sandbox.accounts()["vk:medlib42"]["webhook"]["status"] == "ok")
    key = ACCOUNTS[network]
    started(sandbox, network, payload="hook_start")
    provider.send_direct(account, DirectMessage(str(READER), "Книги", key="h-1", buttons=BUTTONS))
    sandbox.dialog_action(key, READER, "press", payload="books")
    sandbox.dialog_action(key, READER, "stop")
    assert wait_for(lambda: any(e.kind == "dialog_stopped" for e in Hook.events)), Hook.events
    kinds = [e.kind for e in Hook.events]
    assert "dialog_started" in kinds and "button" in kinds
    assert next(e for e in Hook.events if e.kind == "dialog_started").raw["start"] == "hook_start"
    assert next(e for e in Hook.events if e.kind == "button").text == "books"


def test_vk_callback_settings_ask_for_the_dialog_events(sandbox, hook):
    provider = sandbox.provider("vk")
    account = sandbox.account("vk:medlib42", tokens={"webhook_secret": "s3cret-hook"})
    account.extra["confirmation_code"] = provider.confirmation_code(account)
    Hook.provider, Hook.account = provider, account
    provider.webhook_register(account, hook, "s3cret-hook")
    world = sandbox.http.get("/sandbox/control/accounts").json()
    webhook = next(a for a in world if a["key"] == "vk:medlib42")["webhook"]
    assert {"message_allow", "message_deny", "message_event", "message_new"} <= set(
        webhook["events"]
    )


# Through Vitrina's own receiving: the inbox polls the channel and hands the dialog events
# to the apps above it, storing only the messages.


@pytest.mark.django_db
@pytest.mark.parametrize("network", NETWORKS)
def test_the_inbox_hands_dialog_events_up_and_keeps_messages(
    networks, connect, monkeypatch, network
):
    from vitrina.channels.connect import provider_account
    from vitrina.channels.providers.registry import get_provider
    from vitrina.inbox import dialog_hooks
    from vitrina.inbox.models import Message
    from vitrina.inbox.polling import channel_poll

    seen = []
    monkeypatch.setattr(dialog_hooks, "_handlers", [lambda **kwargs: seen.append(kwargs["event"])])
    channel = connect(network)
    channel_poll(channel=channel)  # the first round sets the cursor
    key = channel.sandbox_key
    networks.dialog_action(key, READER, "start", payload="card_link_1")
    get_provider(network).send_direct(
        provider_account(channel),
        DirectMessage(str(READER), "Ваши книги", key="i-1", buttons=BUTTONS),
    )
    networks.dialog_action(key, READER, "press", payload="books")
    networks.dialog_action(key, READER, "write", text="Можно продлить?")
    networks.dialog_action(key, READER, "stop")
    channel_poll(channel=channel)
    kinds = [event.kind for event in seen]
    assert {"dialog_started", "button", "message", "dialog_stopped"} <= set(kinds)
    assert next(e for e in seen if e.kind == "dialog_started").raw["start"] == "card_link_1"
    texts = list(Message.objects.filter(channel=channel).values_list("text", flat=True))
    assert "Можно продлить?" in texts and "" not in texts


@pytest.mark.parametrize(
    ("network", "body"),
    [
        ("vk", {"type": "message_allow", "object": {"key": "k"}}),
        ("vk", {"type": "message_event", "object": {"user_id": 5}}),
        ("telegram", {"update_id": 1, "callback_query": {"id": "q"}}),
        ("telegram", {"update_id": 2, "my_chat_member": {"chat": "private"}}),
        ("max", {"update_type": "bot_started", "timestamp": 1}),
        ("max", {"update_type": "message_callback", "timestamp": "x", "callback": {}}),
    ],
)
def test_malformed_dialog_events_are_refused_without_a_crash(network, body):
    provider = provider_class(network)("http://unused")
    secret = "s3cret-hook"
    account = ProviderAccount(network, "128554301", {"webhook_secret": secret}, {})
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "X-Max-Bot-Api-Secret": secret}
    if network == "vk":
        body = dict(body, group_id=128554301, secret=secret, event_id="e1")
    result = provider.parse_webhook(account, headers, json.dumps(body).encode())
    assert result.events == []
    # VK must be answered «ok» or it repeats the event forever; the bots get a 400.
    assert result.status == (200 if network == "vk" else 400)


def test_vk_many_buttons_share_rows_and_too_many_are_refused(sandbox):
    provider, account = sandbox.provider("vk"), sandbox.account(ACCOUNTS["vk"])
    started(sandbox, "vk")
    eight = [Button(f"Книга {n}", payload=f"renew:{n}") for n in range(8)]
    provider.send_direct(
        account, DirectMessage(str(READER), "Что продлить?", key="m-8", buttons=eight)
    )
    last = sandbox.dialog("vk:medlib42", READER)["messages"][-1]
    assert [b["label"] for b in last["buttons"]] == [f"Книга {n}" for n in range(8)]
    with pytest.raises(Rejected) as caught:
        provider.send_direct(
            account, DirectMessage(str(READER), "?", key="m-13", buttons=[eight[0]] * 13)
        )
    assert caught.value.code == "too_many_buttons"
