"""Readers' private dialogs in the sandbox: the control endpoint, each emulated network's
rules for dialogs (consent, keyboards, callbacks, update types), and the human pages."""

import json
import time

import pytest

from vitrina.sandbox.state import World

V = "5.199"
READER = 880011


def vk(sandbox, method, token, **params):
    return sandbox.http.post(
        f"/vk/method/{method}", data=dict(params, v=V, access_token=token)
    ).json()


def tokens(sandbox, key):
    return sandbox.accounts()[key]["tokens"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"account": "vk:nobody", "reader_id": 1, "action": "write", "text": "?"}, 404),
        ({"account": "vk:medlib42", "reader_id": "abc", "action": "write", "text": "?"}, 400),
        ({"account": "vk:medlib42", "reader_id": -5, "action": "write", "text": "?"}, 400),
        ({"account": "vk:medlib42", "reader_id": 1, "action": "dance"}, 400),
        ({"account": "vk:medlib42", "reader_id": 1, "action": "write", "text": " "}, 400),
        ({"account": "vk:medlib42", "reader_id": 1, "action": "press", "payload": "x"}, 400),
        (
            {"account": "vk:medlib42", "reader_id": 1, "action": "press", "message_id": "a"},
            400,
        ),
    ],
)
def test_control_answers_bad_input_with_a_message(sandbox, body, status):
    response = sandbox.http.post("/sandbox/control/dialog", json=body)
    assert response.status_code == status
    assert response.json()["error"]


def test_control_dialog_shows_messages_and_state(sandbox):
    missing = sandbox.http.get(
        "/sandbox/control/dialog", params={"account": "vk:medlib42", "reader_id": READER}
    )
    assert missing.status_code == 404
    dialog = sandbox.dialog_action("vk:medlib42", READER, "write", text="Здравствуйте")
    assert dialog["allowed"] and not dialog["stopped"]
    assert dialog["messages"][-1] == dict(
        dialog["messages"][-1], incoming=True, text="Здравствуйте", buttons=[]
    )
    assert sandbox.dialog_action("vk:medlib42", READER, "deny")["allowed"] is False
    assert sandbox.dialog("vk:medlib42", READER)["stopped"] is True


def test_twenty_thousand_readers_open_their_dialogs_at_once(sandbox):
    ids = list(range(10_000_000, 10_020_000))
    started = time.perf_counter()
    answer = sandbox.dialogs_open("vk:medlib42", ids)
    seconds = time.perf_counter() - started
    print(f"dialogs/open: {len(ids)} readers in {seconds:.2f} s")
    assert answer["opened"] == 20_000
    token = tokens(sandbox, "vk:medlib42")["community"]
    sent = vk(sandbox, "messages.send", token, peer_id=ids[-1], random_id=1, message="Напоминание")
    assert "response" in sent
    # The pages stay readable with that many dialogs.
    assert sandbox.http.get("/sandbox/?network=vk").status_code == 200
    listing = sandbox.http.get("/sandbox/dialogs", params={"account": "vk:medlib42"}).text
    assert "Показаны 200 последних из 20000 диалогов" in listing
    bad = sandbox.http.post(
        "/sandbox/control/dialogs/open", json={"account": "vk:medlib42", "reader_ids": ["x"]}
    )
    assert bad.status_code == 400


def test_opened_dialogs_can_be_events_too(sandbox):
    sandbox.dialogs_open("max:medlib42", [501, 502], events=True)
    token = tokens(sandbox, "max:medlib42")["bot"]
    updates = sandbox.http.get(
        "/max/updates",
        params={"timeout": 0, "types": "bot_started"},
        headers={"Authorization": token},
    ).json()["updates"]
    assert [u["user"]["user_id"] for u in updates] == [501, 502]


def test_vk_keyboards_random_ids_and_event_answers(sandbox):
    token = tokens(sandbox, "vk:medlib42")["community"]
    sandbox.dialog_action("vk:medlib42", READER, "allow", payload="key-1")
    bad = json.dumps({"inline": True, "buttons": [[{"action": {"type": "callback"}}]]})
    assert (
        vk(sandbox, "messages.send", token, peer_id=READER, random_id=5, message="?", keyboard=bad)[
            "error"
        ]["error_code"]
        == 911
    )
    keyboard = json.dumps(
        {
            "inline": True,
            "buttons": [
                [
                    {
                        "action": {
                            "type": "callback",
                            "label": "Мои книги",
                            "payload": '{"cmd":"books"}',
                        }
                    }
                ]
            ],
        }
    )
    sent = vk(
        sandbox,
        "messages.send",
        token,
        peer_id=READER,
        random_id=77,
        message="Меню",
        keyboard=keyboard,
    )["response"]
    history = vk(sandbox, "messages.getHistory", token, peer_id=READER, count=5)["response"]
    assert history["items"][0]["id"] == sent and history["items"][0]["random_id"] == 77
    assert history["items"][0]["keyboard"]["buttons"][0][0]["action"]["type"] == "callback"
    pressed = sandbox.dialog_action("vk:medlib42", READER, "press", payload="books")
    unknown = vk(
        sandbox,
        "messages.sendMessageEventAnswer",
        token,
        event_id="nope",
        user_id=READER,
        peer_id=READER,
    )
    assert unknown["error"]["error_code"] == 100
    answered = vk(
        sandbox,
        "messages.sendMessageEventAnswer",
        token,
        event_id=pressed["callback_id"],
        user_id=READER,
        peer_id=READER,
        event_data=json.dumps({"type": "show_snackbar", "text": "Готово"}),
    )
    assert answered["response"] == 1
    allowed = vk(
        sandbox,
        "messages.isMessagesFromGroupAllowed",
        token,
        group_id=sandbox.accounts()["vk:medlib42"]["external_id"],
        user_id=READER,
    )
    assert allowed["response"] == {"is_allowed": 1}


def test_telegram_buttons_and_the_update_types_asked_for(sandbox):
    base = f"/telegram/bot{tokens(sandbox, 'telegram:medlib42_news')['bot']}"
    never = sandbox.http.post(f"{base}/sendMessage", json={"chat_id": READER, "text": "?"}).json()
    assert never["description"] == "Forbidden: bot can't initiate conversation with a user"
    sandbox.dialog_action("telegram:medlib42_news", READER, "start", payload="abc")
    wide = {"inline_keyboard": [[{"text": "Продлить", "callback_data": "я" * 40}]]}
    refused = sandbox.http.post(
        f"{base}/sendMessage", json={"chat_id": READER, "text": "?", "reply_markup": wide}
    ).json()
    assert refused["description"] == "Bad Request: BUTTON_DATA_INVALID"
    markup = {"inline_keyboard": [[{"text": "Мои книги", "callback_data": "books"}]]}
    sent = sandbox.http.post(
        f"{base}/sendMessage", json={"chat_id": READER, "text": "Меню", "reply_markup": markup}
    ).json()
    assert sent["result"]["reply_markup"] == markup
    sandbox.dialog_action("telegram:medlib42_news", READER, "press", payload="books")
    only_messages = sandbox.http.post(
        f"{base}/getUpdates", json={"allowed_updates": ["message"], "timeout": 0}
    ).json()["result"]
    assert only_messages and all("message" in u for u in only_messages)
    sandbox.dialog_action("telegram:medlib42_news", READER, "press", payload="books")
    everything = sandbox.http.post(
        f"{base}/getUpdates",
        json={"allowed_updates": ["message", "callback_query"], "timeout": 0},
    ).json()["result"]
    assert any("callback_query" in u for u in everything)


def test_max_keyboards_answers_and_dialog_listing(sandbox):
    token = tokens(sandbox, "max:medlib42")["bot"]
    headers = {"Authorization": token}
    never = sandbox.http.post(
        "/max/messages", params={"user_id": READER}, json={"text": "?"}, headers=headers
    )
    assert never.status_code == 403 and never.json()["code"] == "chat.denied"
    sandbox.dialog_action("max:medlib42", READER, "start", payload="abc")
    links = [{"type": "link", "text": f"№{i}", "url": "https://example.org"} for i in range(4)]
    too_many = {"type": "inline_keyboard", "payload": {"buttons": [links]}}
    refused = sandbox.http.post(
        "/max/messages",
        params={"user_id": READER},
        json={"text": "?", "attachments": [too_many]},
        headers=headers,
    )
    assert refused.status_code == 400 and refused.json()["code"] == "proto.payload"
    keyboard = {
        "type": "inline_keyboard",
        "payload": {"buttons": [[{"type": "callback", "text": "Мои книги", "payload": "books"}]]},
    }
    sent = sandbox.http.post(
        "/max/messages",
        params={"user_id": READER},
        json={"text": "Меню", "attachments": [keyboard]},
        headers=headers,
    ).json()["message"]
    chat = sent["recipient"]["chat_id"]
    assert chat != READER
    dialog = sandbox.http.get("/max/messages", params={"chat_id": chat}, headers=headers).json()
    assert dialog["messages"][0]["body"]["attachments"][0]["type"] == "inline_keyboard"
    chats = sandbox.http.get("/max/chats", headers=headers).json()["chats"]
    assert any(c.get("dialog_with_user", {}).get("user_id") == READER for c in chats)
    pressed = sandbox.dialog_action("max:medlib42", READER, "press", payload="books")
    missing = sandbox.http.post(
        "/max/answers", params={"callback_id": "nope"}, json={"notification": "?"}, headers=headers
    )
    assert missing.status_code == 404
    answered = sandbox.http.post(
        "/max/answers",
        params={"callback_id": pressed["callback_id"]},
        json={"notification": "Готово"},
        headers=headers,
    )
    assert answered.json() == {"success": True}
    sandbox.dialog_action("max:medlib42", READER, "stop")
    stopped = sandbox.http.post(
        "/max/messages", params={"user_id": READER}, json={"text": "?"}, headers=headers
    )
    assert stopped.status_code == 403


def test_limits_count_the_refusals_per_network(sandbox):
    assert sandbox.limits() == {"vk": 0, "ok": 0, "telegram": 0, "max": 0}
    token = tokens(sandbox, "max:medlib42")["bot"]
    sandbox.dialog_action("max:medlib42", READER, "start")
    statuses = [
        sandbox.http.post(
            "/max/messages",
            params={"user_id": READER},
            json={"text": f"№{i}"},
            headers={"Authorization": token},
        ).status_code
        for i in range(5)
    ]
    assert sandbox.limits()["max"] == statuses.count(429) > 0


def test_the_human_pages_of_dialogs(sandbox):
    key = "telegram:medlib42_news"
    page = sandbox.http.get("/sandbox/start", params={"account": key, "start": "link42"})
    assert "с кодом «link42»" in page.text and "<script" not in page.text
    opened = sandbox.http.post(
        "/sandbox/dialog",
        data={
            "account": key,
            "action": "start",
            "reader": "100500",
            "payload": "link42",
            "first_name": "Анна",
            "last_name": "Кузнецова",
        },
    )
    assert opened.status_code == 303
    base = f"/telegram/bot{tokens(sandbox, key)['bot']}"
    markup = {
        "inline_keyboard": [
            [{"text": "Продлить", "callback_data": "renew:15"}],
            [{"text": "Кабинет", "url": "https://library.example/me"}],
        ]
    }
    sandbox.http.post(
        f"{base}/sendMessage",
        json={"chat_id": 100500, "text": "Срок — завтра", "reply_markup": markup},
    )
    dialog = sandbox.http.get("/sandbox/dialog", params={"account": key, "reader": "100500"}).text
    assert "Срок — завтра" in dialog and "/start link42" in dialog
    assert 'value="renew:15"' in dialog and 'href="https://library.example/me"' in dialog
    assert "Заблокировать бота" in dialog and "<script" not in dialog
    wrote = sandbox.http.post(
        "/sandbox/dialog",
        data={"account": key, "reader": "100500", "action": "write", "text": "Спасибо"},
    )
    assert wrote.status_code == 303
    pressed = sandbox.http.post(
        "/sandbox/dialog",
        data={"account": key, "reader": "100500", "action": "press", "payload": "renew:15"},
    )
    assert pressed.status_code == 303
    empty = sandbox.http.post(
        "/sandbox/dialog", data={"account": key, "reader": "100500", "action": "write", "text": ""}
    )
    assert empty.status_code == 400 and "Напишите текст сообщения." in empty.text
    wrong = sandbox.http.post("/sandbox/dialog", data={"account": key, "reader": "x"})
    assert wrong.status_code == 400 and "Укажите id читателя" in wrong.text
    nobody = sandbox.http.get("/sandbox/dialogs", params={"account": "vk:nobody"})
    assert nobody.status_code == 404 and "Аккаунт не найден" in nobody.text
    sandbox.http.post(
        "/sandbox/dialog", data={"account": key, "reader": "100500", "action": "stop"}
    )
    assert sandbox.dialog(key, 100500)["stopped"] is True
    listing = sandbox.http.get("/sandbox/dialogs", params={"account": key}).text
    assert "Анна Кузнецова" in listing and "читатель запретил сообщения" in listing
    assert "Все диалоги с читателями (1)" in sandbox.http.get("/sandbox/").text
    vk_page = sandbox.http.get(
        "/sandbox/dialog", params={"account": "vk:medlib42", "reader": "100500"}
    ).text
    assert "ещё не открывал" in vk_page


def test_dialogs_survive_a_dump_and_load():
    world = World(seed=3)
    account = world.accounts["vk:medlib42"]
    world.dialog_event(account, 42, "allow", payload="k")
    world.send_to_reader(account, 42, "Привет", [{"label": "Да", "payload": "{}", "url": ""}])
    copy = World.load(json.loads(json.dumps(world.dump())))
    assert copy.may_write(copy.accounts["vk:medlib42"], 42)
    assert copy.accounts["vk:medlib42"].dialogs["42"][-1]["buttons"][0]["label"] == "Да"


def test_a_state_saved_before_dialogs_kept_their_state_answers_who_wrote():
    world = World(seed=3)
    account = world.accounts["vk:medlib42"]
    world.receive_message(account, {"reader_id": 9, "first_name": "Анна", "last_name": "К"}, "?")
    data = json.loads(json.dumps(world.dump()))
    for raw in data["accounts"]:
        del raw["dialog_state"], raw["callbacks"]
    copy = World.load(data)
    assert copy.may_write(copy.accounts["vk:medlib42"], 9)
    assert not copy.may_write(copy.accounts["vk:medlib42"], 10)


def test_vk_long_poll_gives_the_dialog_events_only_once_asked(sandbox):
    medlib = sandbox.accounts()["vk:medlib42"]
    token, group = medlib["tokens"]["community"], medlib["external_id"]

    def poll(server):
        check = {"act": "a_check", "key": server["key"], "ts": server["ts"], "wait": 0}
        return [
            u["type"] for u in sandbox.http.get(server["server"], params=check).json()["updates"]
        ]

    server = vk(sandbox, "groups.getLongPollServer", token, group_id=group)["response"]
    sandbox.dialog_action("vk:medlib42", READER, "allow", payload="k")
    sandbox.dialog_action("vk:medlib42", READER, "write", text="Здравствуйте")
    assert poll(server) == ["message_new"]
    settings = vk(sandbox, "groups.setLongPollSettings", token, group_id=group, message_allow=1)
    assert settings["response"] == 1
    assert poll(server) == ["message_allow", "message_new"]
