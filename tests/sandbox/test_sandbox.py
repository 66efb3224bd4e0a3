"""The sandbox on its own: accounts, networks' rules, the clock, faults, webhooks, state."""

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from vitrina.sandbox import dynamics
from vitrina.sandbox.faults import Fault
from vitrina.sandbox.server import parse_fault
from vitrina.sandbox.state import Post, World

V = "5.199"


def accounts(sandbox):
    return sandbox.accounts()


def vk(sandbox, method, token, **params):
    return sandbox.http.post(
        f"/vk/method/{method}", data=dict(params, v=V, access_token=token)
    ).json()


def test_default_accounts_match_the_demo(sandbox):
    found = accounts(sandbox)
    assert {
        "vk:medlib42",
        "vk:id547852393",
        "vk:vinilius",
        "ok:profile/561588730013",
        "ok:profile/569188750053",
    } <= set(found)
    assert {a["network"] for a in found.values()} == {"vk", "ok", "telegram", "max"}
    medlib = found["vk:medlib42"]
    assert medlib["tokens"]["user"] and medlib["tokens"]["community"]
    assert found["telegram:medlib42_news"]["external_id"] < 0
    assert any(a["kind"] == "group" and "Детская" in a["name"] for a in found.values())


def test_create_account(sandbox):
    created = sandbox.create_account(network="telegram", name="Библиотека №5")
    assert created["tokens"]["bot"].split(":")[0].isdigit()
    assert created["key"] in accounts(sandbox)
    bad = sandbox.http.post("/sandbox/control/accounts", json={"network": "myspace"})
    assert bad.status_code == 400


def test_same_seed_same_world():
    one, two = World(seed=7), World(seed=7)
    assert one.accounts["vk:medlib42"].tokens == two.accounts["vk:medlib42"].tokens
    assert World(seed=8).accounts["vk:medlib42"].tokens != one.accounts["vk:medlib42"].tokens
    for world in (one, two):
        world.offset = 5 * 86400
        world.catch_up(world.accounts["vk:medlib42"])
    events = [
        [
            (e["kind"], e.get("message", e.get("comment"))["text"])
            for e in w.accounts["vk:medlib42"].events
        ]
        for w in (one, two)
    ]
    assert events[0] == events[1] and len(events[0]) > 20


def test_photos_and_people_get_more_views():
    plain = Post(id=1, date=0, text="График работы на праздники")
    person = Post(id=1, date=0, text="Встреча с Анной Петровой", people=True)
    photo = Post(id=1, date=0, text="График работы", photos=[{"id": 1}])
    assert dynamics.about_people(person.text) and not dynamics.about_people(plain.text)
    assert dynamics.about_people("К юбилею Н. И. Пирогова")
    views = {
        name: dynamics.post_figures(1, "vk:x", post, 2000, 86400)["views"]
        for name, post in (("plain", plain), ("person", person), ("photo", photo))
    }
    assert views["photo"] > views["plain"] and views["person"] > views["plain"]
    early = dynamics.post_figures(1, "vk:x", plain, 2000, 3600)["views"]
    assert (
        early < views["plain"] < dynamics.post_figures(1, "vk:x", plain, 2000, 9 * 86400)["views"]
    )


def test_subscribers_grow(sandbox):
    before = accounts(sandbox)["vk:medlib42"]["members"]
    sandbox.advance(30 * 86400)
    assert accounts(sandbox)["vk:medlib42"]["members"] > before + 50


def test_vk_token_kinds(sandbox):
    medlib = accounts(sandbox)["vk:medlib42"]
    owner = -medlib["external_id"]
    assert (
        vk(sandbox, "wall.post", medlib["tokens"]["community"], owner_id=owner, message="x")[
            "error"
        ]["error_code"]
        == 27
    )
    assert (
        vk(sandbox, "messages.send", medlib["tokens"]["user"], peer_id=1, random_id=1, message="x")[
            "error"
        ]["error_code"]
        == 15
    )
    assert vk(sandbox, "wall.get", "nonsense", owner_id=owner)["error"]["error_code"] == 5
    error = vk(sandbox, "wall.get", medlib["tokens"]["user"], owner_id=owner, count="a")["error"]
    assert error["error_code"] == 100
    assert {"key": "owner_id", "value": str(owner)} in error["request_params"]
    assert "access_token" not in json.dumps(error["request_params"])


def test_vk_rate_limit_error_6(sandbox):
    medlib = accounts(sandbox)["vk:medlib42"]
    codes = [
        vk(sandbox, "groups.getById", medlib["tokens"]["user"], group_id=medlib["external_id"])
        .get("error", {})
        .get("error_code")
        for _ in range(6)
    ]
    assert codes[:3] == [None, None, None] and 6 in codes


def test_vk_messages_rules(sandbox):
    medlib = accounts(sandbox)["vk:medlib42"]
    token = medlib["tokens"]["community"]
    assert (
        vk(sandbox, "messages.send", token, peer_id=5, random_id=1, message="Здравствуйте")[
            "error"
        ]["error_code"]
        == 901
    )
    sandbox.reader_writes("vk:medlib42", "Вопрос", reader_id=5)
    first = vk(sandbox, "messages.send", token, peer_id=5, random_id=9, message="Ответ")
    again = vk(sandbox, "messages.send", token, peer_id=5, random_id=9, message="Ответ")
    assert first["response"] == again["response"]
    assert (
        vk(sandbox, "messages.send", token, peer_id=5, random_id=10, message="я" * 9001)["error"][
            "error_code"
        ]
        == 914
    )


def test_vk_long_poll_failures(sandbox):
    medlib = accounts(sandbox)["vk:medlib42"]
    server = vk(
        sandbox,
        "groups.getLongPollServer",
        medlib["tokens"]["community"],
        group_id=medlib["external_id"],
    )["response"]
    check = {"act": "a_check", "key": server["key"], "ts": server["ts"], "wait": 0}
    assert httpx.get(server["server"], params=check).json() == {"ts": server["ts"], "updates": []}
    assert httpx.get(server["server"], params=dict(check, key="old")).json() == {"failed": 2}
    assert httpx.get(server["server"], params=dict(check, ts="999")).json()["failed"] == 1
    sandbox.fault(network="vk", method="longpoll", longpoll_failed=3, count=1)
    assert httpx.get(server["server"], params=check).json() == {"failed": 3}


def test_vk_long_poll_waits_for_an_event(sandbox):
    medlib = accounts(sandbox)["vk:medlib42"]
    server = vk(
        sandbox,
        "groups.getLongPollServer",
        medlib["tokens"]["community"],
        group_id=medlib["external_id"],
    )["response"]
    timer = threading.Timer(0.3, sandbox.reader_writes, ("vk:medlib42", "Добрый день"))
    timer.start()
    started = time.monotonic()
    answer = httpx.get(
        server["server"],
        params={"act": "a_check", "key": server["key"], "ts": server["ts"], "wait": 5},
        timeout=10,
    ).json()
    assert 0.2 < time.monotonic() - started < 4
    assert answer["updates"][0]["type"] == "message_new"
    assert answer["updates"][0]["object"]["message"]["text"] == "Добрый день"


def test_telegram_rules(sandbox):
    bot = accounts(sandbox)["telegram:medlib42_news"]
    base = f"/telegram/bot{bot['tokens']['bot']}"
    chat = bot["external_id"]
    poll = sandbox.http.post(
        f"{base}/sendPoll", json={"chat_id": chat, "question": "?", "options": ["один"]}
    ).json()
    assert poll["error_code"] == 400 and "at least 2" in poll["description"]
    group = sandbox.http.post(
        f"{base}/sendMediaGroup",
        json={"chat_id": chat, "media": [{"type": "photo", "media": "https://example.org/a.jpg"}]},
    ).json()
    assert group["ok"] is False
    assert (
        sandbox.http.post(f"{base}/sendMessage", json={"chat_id": chat, "text": "я" * 4097}).json()[
            "description"
        ]
        == "Bad Request: message is too long"
    )
    assert sandbox.http.get("/telegram/bot123:bad/getMe").json()["error_code"] == 401
    hook = sandbox.http.post(f"{base}/setWebhook", json={"url": "http://127.0.0.1:9/hook"})
    assert hook.json()["result"] is True
    conflict = sandbox.http.post(f"{base}/getUpdates").json()
    assert conflict["error_code"] == 409
    sandbox.http.post(f"{base}/deleteWebhook")
    assert sandbox.http.post(f"{base}/getUpdates").json()["ok"] is True


def test_max_rules(sandbox):
    bot = accounts(sandbox)["max:medlib42"]
    token = bot["tokens"]["bot"]
    chat = bot["external_id"]
    bearer = sandbox.http.get("/max/me", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 401 and bearer.json()["code"] == "verify.token"
    me = sandbox.http.get("/max/me", headers={"Authorization": token}).json()
    assert me["is_bot"] is True
    sandbox.settings(max_processing_seconds=0.3)
    upload = sandbox.http.post(
        "/max/uploads", params={"type": "image"}, headers={"Authorization": token}
    ).json()
    photos = httpx.post(upload["url"], files={"data": ("a.jpg", b"\xff\xd8data")}).json()
    body = {"text": "Фото", "attachments": [{"type": "image", "payload": photos}]}
    early = sandbox.http.post(
        "/max/messages", params={"chat_id": chat}, json=body, headers={"Authorization": token}
    )
    assert early.status_code == 400 and early.json()["code"] == "attachment.not.ready"
    time.sleep(0.35)
    sent = sandbox.http.post(
        "/max/messages", params={"chat_id": chat}, json=body, headers={"Authorization": token}
    )
    assert sent.status_code == 200
    assert sent.json()["message"]["timestamp"] > 10**12  # milliseconds
    statuses = [
        sandbox.http.post(
            "/max/messages",
            params={"chat_id": chat},
            json={"text": f"№{i}"},
            headers={"Authorization": token},
        ).status_code
        for i in range(4)
    ]
    assert 429 in statuses
    assert (
        sandbox.http.get(f"/max/chats/{chat}", headers={"Authorization": token}).json()[
            "participants_count"
        ]
        > 200
    )


def test_fault_dropped_answer_still_creates_the_post(sandbox):
    medlib = accounts(sandbox)["vk:medlib42"]
    sandbox.fault(network="vk", method="wall.post", drop_rate=1, count=1)
    lost = sandbox.http.post(
        "/vk/method/wall.post",
        data={
            "v": V,
            "access_token": medlib["tokens"]["user"],
            "owner_id": -medlib["external_id"],
            "message": "Ответ потерялся",
        },
    )
    assert lost.status_code == 504
    wall = vk(
        sandbox, "wall.get", medlib["tokens"]["user"], owner_id=-medlib["external_id"], count=1
    )["response"]
    assert wall["items"][0]["text"] == "Ответ потерялся"
    assert sandbox.http.get("/sandbox/control/faults").json()["rules"] == []


def test_fault_latency_and_reset(sandbox):
    sandbox.fault(network="telegram", latency_ms=300)
    bot = accounts(sandbox)["telegram:medlib42_news"]
    started = time.monotonic()
    sandbox.http.get(f"/telegram/bot{bot['tokens']['bot']}/getMe")
    assert time.monotonic() - started >= 0.3
    sandbox.clear_faults()
    assert sandbox.http.get("/sandbox/control/faults").json() == {"rules": []}
    with pytest.raises(ValueError):
        Fault.from_dict({"network": "vk", "nonsense": 1})


def test_parse_fault_flag():
    fault = parse_fault("vk:wall.post:error_rate=0.5,error=10,latency_ms=200")
    assert (fault.network, fault.method, fault.error_rate, fault.latency_ms) == (
        "vk",
        "wall.post",
        0.5,
        200,
    )
    assert parse_fault("max:drop_rate=1").method == "*"


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    answer = "ok"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Receiver.received.append((dict(self.headers), body))
        text = Receiver.answer if body.get("type") == "confirmation" else "ok"
        self.send_response(200)
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def wait_for(predicate, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_webhooks_of_all_three_networks(sandbox, receiver):
    found = accounts(sandbox)
    medlib = found["vk:medlib42"]
    token = medlib["tokens"]["community"]
    Receiver.answer = vk(
        sandbox, "groups.getCallbackConfirmationCode", token, group_id=medlib["external_id"]
    )["response"]["code"]
    vk(
        sandbox,
        "groups.addCallbackServer",
        token,
        group_id=medlib["external_id"],
        url=receiver,
        title="Витрина",
        secret_key="s3cret",
    )
    assert wait_for(lambda: Receiver.received)
    servers = vk(sandbox, "groups.getCallbackServers", token, group_id=medlib["external_id"])
    assert wait_for(
        lambda: (
            vk(sandbox, "groups.getCallbackServers", token, group_id=medlib["external_id"])[
                "response"
            ]["items"][0]["status"]
            == "ok"
        )
    ), servers
    sandbox.reader_writes("vk:medlib42", "Через Callback API")
    tg = found["telegram:medlib42_news"]
    sandbox.http.post(
        f"/telegram/bot{tg['tokens']['bot']}/setWebhook",
        json={"url": receiver, "secret_token": "tg-secret"},
    )
    sandbox.reader_writes("telegram:medlib42_news", "Через вебхук Telegram")
    mx = found["max:medlib42"]
    sandbox.http.post(
        "/max/subscriptions",
        json={"url": receiver, "secret": "max-secret"},
        headers={"Authorization": mx["tokens"]["bot"]},
    )
    sandbox.reader_writes("max:medlib42", "Через подписку MAX")
    assert wait_for(lambda: len(Receiver.received) >= 4)
    by_kind = {json.dumps(body, ensure_ascii=False): headers for headers, body in Receiver.received}
    text = "\n".join(by_kind)
    assert '"secret": "s3cret"' in text and "Через Callback API" in text
    tg_headers = next(h for b, h in by_kind.items() if "Через вебхук Telegram" in b)
    assert tg_headers["X-Telegram-Bot-Api-Secret-Token"] == "tg-secret"
    max_headers = next(h for b, h in by_kind.items() if "Через подписку MAX" in b)
    assert max_headers["X-Max-Bot-Api-Secret"] == "max-secret"


def test_clock_and_human_page(sandbox):
    now = sandbox.http.get("/sandbox/control/clock").json()["now"]
    sandbox.advance(3600)
    assert sandbox.http.get("/sandbox/control/clock").json()["now"] >= now + 3600
    page = sandbox.http.get("/sandbox/")
    assert page.status_code == 200
    assert "Кузбасская научная медицинская библиотека" in page.text
    assert "<script" not in page.text
    assert "Одноклассники" in sandbox.http.get("/sandbox/?network=ok").text


def test_state_survives_a_dump_and_load():
    world = World(seed=3)
    account = world.accounts["max:medlib42"]
    world.add_post(account, text="Сохранится")
    copy = World.load(json.loads(json.dumps(world.dump())))
    assert copy.accounts["max:medlib42"].posts[-1].text == "Сохранится"
    assert copy.tokens.keys() == world.tokens.keys()


def test_malformed_parameters_get_the_networks_bad_request(sandbox):
    found = accounts(sandbox)
    bot = found["telegram:medlib42_news"]["tokens"]["bot"]
    answer = sandbox.http.post(f"/telegram/bot{bot}/getUpdates", json={"offset": "abc"})
    assert answer.status_code == 400 and answer.json()["ok"] is False
    mx = found["max:medlib42"]
    listed = sandbox.http.get(
        "/max/messages",
        params={"chat_id": mx["external_id"], "count": "many"},
        headers={"Authorization": mx["tokens"]["bot"]},
    )
    assert listed.status_code == 400 and listed.json()["code"] == "proto.payload"


def test_walls_say_the_zone_of_their_times(sandbox):
    def clock():
        return sandbox.http.get("/sandbox/control/clock").json()["now"]

    def shown(moment, hours):
        return (datetime.fromtimestamp(moment, UTC) + timedelta(hours=hours)).strftime(
            "%d.%m.%Y %H:%M"
        )

    for query, hours, label in (
        ("", 3, "по Москве"),
        ("?zone=Asia/Yekaterinburg", 5, "по Екатеринбургу"),
        ("?zone=Nowhere/Atlantis", 3, "по Москве"),
    ):
        before = clock()
        page = sandbox.http.get(f"/sandbox/{query}").text
        after = clock()
        assert any(
            f"Время песочницы: {shown(moment, hours)} {label}" in page for moment in (before, after)
        ), query
    assert "Asia/Yekaterinburg</option>" not in page and ">Екатеринбург</option>" in page
