"""The control endpoint under ``/sandbox/control``: accounts and their tokens, the clock,
settings, fault injection, readers' events and a reset."""

import json
from dataclasses import asdict, fields, replace

from starlette.requests import Request
from starlette.routing import Route

from .common import Json, world_of
from .faults import Fault
from .networks import emulator, network_names
from .state import Settings, World


def profile_url(account) -> str:
    return emulator(account.network).profile_url.format(screen_name=account.screen_name)


def account_json(world, account) -> dict:
    tokens = {k: v for k, v in account.tokens.items() if k not in ("user_id",)}
    return {
        "key": account.key,
        "network": account.network,
        "kind": account.kind,
        "name": account.name,
        "screen_name": account.screen_name,
        "external_id": account.external_id,
        "url": profile_url(account),
        "admin_user_id": int(account.tokens.get("user_id", 0)) or None,
        "members": world.members(account),
        "posts": len(account.live_posts()),
        "tokens": tokens,
        "flags": {k: v for k, v in account.flags.items() if k != "lp_key"},
        # Where the network posts the account's events (Telegram webhook, MAX subscription,
        # VK Callback API server), or null while the account is polled.
        "webhook": dict(account.webhook) if account.webhook else None,
    }


async def _json(request: Request):
    body = await request.body()
    return json.loads(body) if body else {}


async def accounts(request: Request):
    world = world_of(request)
    if request.method == "POST":
        data = await _json(request)
        if data.get("network") not in network_names():
            return Json({"error": f"network must be one of {', '.join(network_names())}"}, 400)
        try:
            account = world.add_account(data)
        except (ValueError, TypeError) as exc:
            return Json({"error": str(exc)}, 400)
        return Json(account_json(world, account), 201)
    return Json([account_json(world, a) for a in world.accounts.values()])


async def apps(request: Request):
    world = world_of(request)
    return Json({"vk_id": world.vk_app, "ok": world.ok_app})


async def clock(request: Request):
    world = world_of(request)
    if request.method == "POST":
        data = await _json(request)
        world.advance(float(data.get("advance_seconds", 0)))
    return Json({"now": world.now(), "offset": world.offset})


async def settings(request: Request):
    world = world_of(request)
    if request.method == "POST":
        data = await _json(request)
        names = {f.name for f in fields(Settings)}
        unknown = set(data) - names
        if unknown:
            return Json({"error": f"unknown settings: {', '.join(sorted(unknown))}"}, 400)
        for name, value in data.items():
            setattr(world.settings, name, type(getattr(world.settings, name))(value))
        world.buckets.clear()
    return Json(asdict(world.settings))


async def faults(request: Request):
    world, registry = world_of(request), request.app.state.faults
    if request.method == "DELETE":
        registry.reset()
    elif request.method == "POST":
        data = await _json(request)
        expire = data.pop("expire_tokens", None)
        if expire:
            expire = expire if isinstance(expire, dict) else {}
            world.expire(expire.get("network"), expire.get("token"))
        try:
            for rule in data.get("rules", [data] if data else []):
                registry.add(Fault.from_dict(rule))
        except (TypeError, ValueError) as exc:
            return Json({"error": str(exc)}, 400)
    return Json({"rules": registry.describe()})


async def events(request: Request):
    """Make a reader write: ``{"account": key, "kind": "message"|"comment", "text",
    "reader_id", "first_name", "last_name", "post_id", "age_seconds"}``; ``age_seconds``
    dates the message or comment that long ago (it is still delivered now)."""
    world = world_of(request)
    data = await _json(request)
    account = world.accounts.get(data.get("account", ""))
    if account is None:
        return Json({"error": "account not found"}, 404)
    try:
        moment = world.now() - max(0.0, float(data.get("age_seconds", 0) or 0))
    except (TypeError, ValueError):
        return Json({"error": "age_seconds must be a number"}, 400)
    author = {
        "reader_id": int(data.get("reader_id", 123456789)),
        "first_name": data.get("first_name", "Анна"),
        "last_name": data.get("last_name", "Кузнецова"),
    }
    text = data.get("text") or "Здравствуйте! Можно продлить книги?"
    if data.get("kind", "message") == "comment":
        post = account.post(data.get("post_id")) if data.get("post_id") else None
        post = post or (account.live_posts() or [None])[-1]
        if post is None:
            return Json({"error": "the account has no posts to comment"}, 400)
        account.comment_seq += 1
        comment = dict(author, id=account.comment_seq, date=moment, text=text)
        post.comments.append(comment)
        world.push(account, "comment", moment, post_id=post.id, comment=comment)
        return Json({"comment_id": comment["id"], "post_id": post.id}, 201)
    message = world.receive_message(account, author, text, moment)
    return Json({"message_id": message["id"]}, 201)


async def posts(request: Request):
    """A person writes on the account in the network itself, outside any application:
    ``{"account": key, "text", "count": 1, "age_seconds": 0, "spacing_seconds": 3600}``
    adds ``count`` posts, the newest ``age_seconds`` old, each the spacing older."""
    world = world_of(request)
    data = await _json(request)
    account = world.accounts.get(data.get("account", ""))
    if account is None:
        return Json({"error": "account not found"}, 404)
    try:
        count = max(1, min(int(data.get("count", 1)), 1000))
        age, spacing = float(data.get("age_seconds", 0)), float(data.get("spacing_seconds", 3600))
    except (TypeError, ValueError):
        return Json({"error": "count, age_seconds and spacing_seconds must be numbers"}, 400)
    text = data.get("text") or "Запись, сделанная в самой сети"
    now = world.now()
    made = []
    for number in range(count):
        post = world.add_post(account, text=f"{text} {number + 1}" if count > 1 else text)
        post.date = now - age - number * spacing
        made.append(post)
    # The wall stays in the order of publication, as the networks list it.
    account.posts.sort(key=lambda post: (post.date, post.id))
    return Json({"posts": [{"id": post.id, "date": post.date} for post in made]}, 201)


DIALOG_ACTIONS = ("start", "write", "press", "allow", "deny", "stop")


def _reader_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _decoded(payload: str):
    try:
        return json.loads(payload)
    except (TypeError, ValueError):
        return None


def button_matches(button: dict, wanted: str) -> bool:
    """A callback button the reader means: its payload as sent, or the one value it wraps
    (VK payloads are JSON objects)."""
    if button.get("url") or not button.get("payload"):
        return False
    if button["payload"] == wanted:
        return True
    decoded = _decoded(button["payload"])
    if isinstance(decoded, dict) and len(decoded) == 1:
        decoded = next(iter(decoded.values()))
    return decoded == wanted


def find_button(account, reader: str, wanted: str, message_id=None):
    for message in reversed(account.dialogs.get(reader, [])[-50:]):
        if message.get("incoming") or (message_id and message["id"] != int(message_id)):
            continue
        for button in message.get("buttons") or []:
            if button_matches(button, wanted):
                return message, button
    return None, None


def dialog_json(world, account, reader: str) -> dict:
    state = account.dialog_state.get(reader) or {}
    return {
        "account": account.key,
        "reader_id": int(reader),
        "allowed": bool(state.get("allowed")),
        "stopped": bool(state.get("stopped")),
        "first_name": state.get("first_name", ""),
        "last_name": state.get("last_name", ""),
        "messages": [
            {
                "id": message["id"],
                "date": message["date"],
                "incoming": bool(message.get("incoming")),
                "text": message["text"],
                "buttons": [
                    {k: button[k] for k in ("label", "payload", "url")}
                    for button in message.get("buttons") or []
                ],
            }
            for message in account.dialogs.get(reader, [])
        ],
    }


def dialog_act(world, account, reader_id: int, data: dict) -> tuple[dict, int]:
    """One act of a reader in the account's dialog; the answer and its status."""
    action = data.get("action")
    if action not in DIALOG_ACTIONS:
        return {"error": f"action must be one of {', '.join(DIALOG_ACTIONS)}"}, 400
    reader = str(reader_id)
    names = {k: data[k] for k in ("first_name", "last_name") if data.get(k)}
    state = world.dialog_open(account, reader_id, names)
    state.update(names)
    payload = str(data.get("payload") or "")
    if action == "start":
        emulator(account.network).reader_starts(world, account, reader_id, payload)
    elif action == "write":
        text = str(data.get("text") or "").strip()
        if not text:
            return {"error": "text is required to write"}, 400
        author = {"reader_id": reader_id, **{k: state[k] for k in ("first_name", "last_name")}}
        world.receive_message(account, author, text)
    elif action == "press":
        message_id = data.get("message_id")
        if message_id not in (None, "") and not str(message_id).isdigit():
            return {"error": "message_id must be a number"}, 400
        message, button = find_button(account, reader, payload, message_id)
        if button is None:
            return {"error": "the reader's dialog has no button with this payload"}, 400
        pressed = world.dialog_event(
            account, reader_id, "press", payload=button["payload"], message_id=message["id"]
        )
        return dict(dialog_json(world, account, reader), callback_id=pressed["callback_id"]), 201
    else:
        world.dialog_event(account, reader_id, action, payload=payload)
    return dialog_json(world, account, reader), 201


async def dialog(request: Request):
    """``POST {"account", "reader_id", "action", "payload"|"text"}``: a reader acts in the
    dialog with the account (start through the deep link, write, press a button, allow or
    deny messages, stop the bot); ``GET ?account=&reader_id=``: the dialog's messages."""
    world = world_of(request)
    data = await _json(request) if request.method == "POST" else dict(request.query_params)
    if not isinstance(data, dict):
        return Json({"error": "a JSON object is expected"}, 400)
    account = world.accounts.get(data.get("account", ""))
    if account is None:
        return Json({"error": "account not found"}, 404)
    reader_id = _reader_id(data.get("reader_id"))
    if reader_id is None:
        return Json({"error": "reader_id must be a positive number"}, 400)
    if request.method == "GET":
        if str(reader_id) not in account.dialog_state and str(reader_id) not in account.dialogs:
            return Json({"error": "no dialog with this reader"}, 404)
        return Json(dialog_json(world, account, str(reader_id)))
    answer, status = dialog_act(world, account, reader_id, data)
    return Json(answer, status)


async def dialogs_open(request: Request):
    """``{"account", "reader_ids": [...], "events": false}``: many readers allow the account
    to write at once (benchmarks); with ``events`` each allowing is also an event."""
    world = world_of(request)
    data = await _json(request)
    account = world.accounts.get(data.get("account", "")) if isinstance(data, dict) else None
    if account is None:
        return Json({"error": "account not found"}, 404)
    ids = data.get("reader_ids")
    if not isinstance(ids, list) or len(ids) > 100000:
        return Json({"error": "reader_ids must be a list of up to 100000 ids"}, 400)
    numbers = [_reader_id(value) for value in ids]
    if None in numbers:
        return Json({"error": "every reader id must be a positive number"}, 400)
    for number in numbers:
        state = world.dialog_open(account, number)
        state["allowed"], state["stopped"] = True, False
        if data.get("events"):
            world.dialog_event(account, number, "allow")
    return Json({"opened": len(numbers), "dialogs": len(account.dialog_state)}, 201)


async def limits(request: Request):
    world = world_of(request)
    return Json({"refusals": {name: world.refusals.get(name, 0) for name in network_names()}})


async def reset(request: Request):
    state = request.app.state
    world = World(seed=state.world.seed, settings=replace(state.initial_settings))
    state.delivery.attach(world)
    state.world = world
    state.faults.reset()
    state.irbis.reset()
    return Json({"reset": True, "accounts": len(world.accounts)})


async def deliveries(request: Request):
    return Json(list(request.app.state.delivery.log))


routes = [
    Route("/sandbox/control/accounts", accounts, methods=["GET", "POST"]),
    Route("/sandbox/control/apps", apps, methods=["GET"]),
    Route("/sandbox/control/clock", clock, methods=["GET", "POST"]),
    Route("/sandbox/control/settings", settings, methods=["GET", "POST"]),
    Route("/sandbox/control/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/sandbox/control/events", events, methods=["POST"]),
    Route("/sandbox/control/posts", posts, methods=["POST"]),
    Route("/sandbox/control/dialog", dialog, methods=["GET", "POST"]),
    Route("/sandbox/control/dialogs/open", dialogs_open, methods=["POST"]),
    Route("/sandbox/control/limits", limits, methods=["GET"]),
    Route("/sandbox/control/reset", reset, methods=["POST"]),
    Route("/sandbox/control/deliveries", deliveries, methods=["GET"]),
]
