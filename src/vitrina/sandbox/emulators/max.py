"""MAX Bot API emulation under ``/max``: ``Authorization: <token>`` (no Bearer), millisecond
timestamps, errors as ``{"code", "message"}`` with an HTTP status, and uploads that stay
"not ready" for a moment after they arrive.

The module is longer than most (about 660 lines) because it emulates both sides of a MAX
bot: the channel it posts to, and its private dialogs with readers (keyboards, callbacks and
their answers, ``bot_started``/``bot_stopped``, the dialogs in ``GET /chats``); it stays one
module, as every emulated network is, so that the network's rules are read in one place."""

import json
import time

from starlette.requests import Request
from starlette.routing import Route

from ..common import Json, apply_faults, lost_answer, read_params, world_of
from ..dynamics import unit
from ..networks import Emulator, register
from ..state import Token, derive


class MaxError(Exception):
    def __init__(self, status: int, code: str, message: str):
        self.status, self.code, self.message = status, code, message


def fail(status: int, code: str, message: str) -> Json:
    return Json({"code": code, "message": message}, status_code=status)


def ms(moment: float) -> int:
    return int(moment * 1000)


def mid(account, post_id: int) -> str:
    return f"mid.{abs(account.external_id):012x}{int(post_id):016x}"


def post_of(account, value: str):
    if not value.startswith("mid.") or len(value) != 32:
        return None
    return account.post(int(value[-16:], 16))


def message_json(world, account, post) -> dict:
    figures = world.figures(account, post)
    attachments = [
        {
            "type": "image",
            "payload": {
                "photo_id": int(derive(world.seed, p["id"], length=12), 16),
                "token": p["id"],
                "url": f"https://i.oneme.ru/sandbox/{p['id']}.jpg",
            },
        }
        for p in post.photos
    ]
    if post.link:
        attachments.append({"type": "share", "payload": {"url": post.link}})
    return {
        "sender": {
            "user_id": account.flags["bot_id"],
            "name": account.name,
            "username": f"{account.screen_name}_bot",
            "is_bot": True,
            "last_activity_time": ms(world.now()),
        },
        "recipient": {"chat_id": account.external_id, "chat_type": "channel"},
        "timestamp": ms(post.date),
        "body": {
            "mid": mid(account, post.id),
            "seq": post.id,
            "text": post.text,
            "attachments": attachments,
        },
        "stat": {"views": figures["views"]},
        "url": f"https://max.ru/{account.screen_name}/{mid(account, post.id)}",
    }


def dialog_chat(reader_id) -> int:
    """The chat id of a reader's dialog with the bot (not the reader's user id)."""
    return int(reader_id) * 10 + 1


def reader_of(chat_id) -> str | None:
    value = int(chat_id)
    return str(value // 10) if value > 0 and value % 10 == 1 else None


def user_json(reader: dict) -> dict:
    return {
        "user_id": reader["reader_id"],
        "first_name": reader["first_name"],
        "last_name": reader["last_name"],
        "name": f"{reader['first_name']} {reader['last_name']}",
        "is_bot": False,
    }


def keyboard_json(buttons: list) -> dict:
    rows = []
    for button in buttons:
        if button.get("url"):
            rows.append([{"type": "link", "text": button["label"], "url": button["url"]}])
        else:
            rows.append(
                [{"type": "callback", "text": button["label"], "payload": button["payload"]}]
            )
    return {"type": "inline_keyboard", "payload": {"buttons": rows}}


def dialog_message_json(world, account, reader_id: str, message: dict) -> dict:
    """A message of a reader's dialog, as ``GET /messages`` and callbacks show it."""
    state = account.dialog_state.get(reader_id, {})
    bot = {"user_id": account.flags["bot_id"], "name": account.name, "is_bot": True}
    reader = {
        "user_id": int(reader_id),
        "first_name": state.get("first_name", ""),
        "last_name": state.get("last_name", ""),
        "name": f"{state.get('first_name', '')} {state.get('last_name', '')}".strip(),
        "is_bot": False,
    }
    incoming = bool(message.get("incoming"))
    body = {
        "mid": f"mid.dialog{int(reader_id):012x}{message['id']:08x}",
        "seq": message["id"],
        "text": message["text"],
    }
    if message.get("buttons"):
        body["attachments"] = [keyboard_json(message["buttons"])]
    return {
        "sender": reader if incoming else bot,
        "recipient": {
            "chat_id": dialog_chat(reader_id),
            "chat_type": "dialog",
            "user_id": account.flags["bot_id"] if incoming else int(reader_id),
        },
        "timestamp": ms(message["date"]),
        "body": body,
    }


def dialog_update_json(world, account, event: dict) -> dict | None:
    reader = event["reader"]
    action = event["action"]
    common = {"timestamp": ms(event["time"]), "user_locale": "ru"}
    if action in ("start", "allow"):
        return dict(
            common,
            update_type="bot_started",
            chat_id=dialog_chat(reader["reader_id"]),
            user=user_json(reader),
            payload=event.get("payload") or None,
        )
    if action in ("stop", "deny"):
        return dict(
            common,
            update_type="bot_stopped",
            chat_id=dialog_chat(reader["reader_id"]),
            user=user_json(reader),
        )
    if action == "press":
        key = str(reader["reader_id"])
        message = next(
            (m for m in account.dialogs.get(key, []) if m["id"] == event.get("message_id")), None
        )
        return dict(
            common,
            update_type="message_callback",
            callback={
                "timestamp": ms(event["time"]),
                "callback_id": event["callback_id"],
                "payload": event.get("payload", ""),
                "user": user_json(reader),
            },
            message=dialog_message_json(world, account, key, message) if message else None,
        )
    return None


def update_json(world, account, event: dict) -> dict | None:
    if event["kind"] == "dialog":
        return dialog_update_json(world, account, event)
    if event["kind"] != "message":
        return None
    item = event["message"]
    name = f"{item['first_name']} {item['last_name']}"
    return {
        "update_type": "message_created",
        "timestamp": ms(event["time"]),
        "message": {
            "sender": {
                "user_id": item["reader_id"],
                "first_name": item["first_name"],
                "last_name": item["last_name"],
                "name": name,
                "is_bot": False,
                "last_activity_time": ms(event["time"]),
            },
            "recipient": {
                "chat_id": item["reader_id"] * 10 + 1,
                "chat_type": "dialog",
                "user_id": account.flags["bot_id"],
            },
            "timestamp": ms(item["date"]),
            "body": {
                "mid": f"mid.dialog{item['reader_id']:012x}{item['id']:08x}",
                "seq": item["id"],
                "text": item["text"],
            },
        },
        "user_locale": "ru",
    }


def chat_json(world, account) -> dict:
    return {
        "chat_id": account.external_id,
        "type": "channel",
        "status": "active",
        "title": account.name,
        "icon": None,
        "last_event_time": ms(world.now()),
        "participants_count": world.members(account),
        "owner_id": account.flags["bot_id"] + 1,
        "is_public": True,
        "link": f"https://max.ru/{account.screen_name}",
        "description": f"Канал: {account.name}",
    }


class Call:
    def __init__(self, request, world, account, params, files):
        self.request, self.world, self.account = request, world, account
        self.params, self.files = params, files

    def throttle(self, chat: str):
        world, settings = self.world, self.world.settings
        token = self.account.tokens["bot"]
        if world.throttle(("max", token, chat), settings.max_chat_rps, 2) or world.throttle(
            ("max", token), settings.max_rps
        ):
            world.refused("max")
            raise MaxError(429, "too.many.requests", "Too many requests")


def keyboard_of(attachment: dict) -> list:
    """The buttons of an ``inline_keyboard`` attachment, checked as MAX checks them."""
    rows = (attachment.get("payload") or {}).get("buttons")
    if not isinstance(rows, list) or not 1 <= len(rows) <= 30:
        raise MaxError(400, "proto.payload", "inline_keyboard: 1 to 30 rows of buttons")
    buttons = []
    for row in rows:
        if not isinstance(row, list) or not 1 <= len(row) <= 7:
            raise MaxError(400, "proto.payload", "inline_keyboard: 1 to 7 buttons a row")
        if sum(1 for b in row if b.get("type") == "link") > 3:
            raise MaxError(400, "proto.payload", "inline_keyboard: at most 3 link buttons a row")
        for button in row:
            text = button.get("text") or ""
            if not 1 <= len(text) <= 128:
                raise MaxError(400, "proto.payload", "button.text: size must be between 1 and 128")
            if button.get("type") == "callback":
                payload = button.get("payload") or ""
                if not 1 <= len(payload) <= 1024:
                    raise MaxError(400, "proto.payload", "button.payload: 1 to 1024 characters")
                buttons.append({"label": text, "payload": payload, "url": ""})
            elif button.get("type") == "link":
                url = button.get("url") or ""
                if not url.startswith(("http://", "https://")):
                    raise MaxError(400, "proto.payload", "button.url: must be an HTTP(S) URL")
                buttons.append({"label": text, "payload": "", "url": url})
            else:
                raise MaxError(400, "proto.payload", f"button type {button.get('type')!r}")
    return buttons


def attachments_of(call: Call, body: dict, buttons: list | None = None) -> list:
    photos = []
    for attachment in body.get("attachments") or []:
        payload = attachment.get("payload") or {}
        if attachment.get("type") == "inline_keyboard" and buttons is not None:
            buttons.extend(keyboard_of(attachment))
            continue
        if attachment.get("type") != "image":
            raise MaxError(
                400, "proto.payload", f"Unsupported attachment type: {attachment.get('type')}"
            )
        token = payload.get("token")
        if not token and isinstance(payload.get("photos"), dict):
            token = next(iter(payload["photos"].values()), {}).get("token")
        photo = call.world.photos.get(token or "")
        if photo is None:
            raise MaxError(400, "attachment.invalid", "Invalid attachment token")
        if photo["ready_at"] > time.monotonic():
            raise MaxError(
                400,
                "attachment.not.ready",
                "Key: errors.process.attachment.file.not.processed",
            )
        photos.append(photo)
    return photos


def send(call: Call):
    try:
        body = json.loads(call.params.pop("_body", "") or "{}")
    except ValueError:
        raise MaxError(400, "proto.payload", "Invalid JSON body") from None
    text = body.get("text") or ""
    if len(text) > 4000:
        raise MaxError(400, "proto.payload", "text: size must be between 0 and 4000")
    buttons: list = []
    photos = attachments_of(call, body, buttons)
    if not text and not photos:
        raise MaxError(400, "proto.payload", "Message must have text or attachments")
    account, world = call.account, call.world
    chat_id, user_id = call.params.get("chat_id"), call.params.get("user_id")
    if chat_id and reader_of(chat_id) and not user_id:
        user_id = reader_of(chat_id)  # a dialog addressed by its chat id
    if user_id:
        if not world.may_write(account, user_id):
            if account.dialog_state.get(str(user_id), {}).get("stopped"):
                raise MaxError(403, "chat.denied", "The user has stopped the bot")
            raise MaxError(403, "chat.denied", "The user has not started a dialog with the bot")
        call.throttle(str(user_id))
        message = world.send_to_reader(account, user_id, text, buttons)
        return {"message": dialog_message_json(world, account, str(user_id), message)}
    if str(chat_id) != str(account.external_id):
        if world.by_external_id("max", chat_id) is not None:
            raise MaxError(403, "chat.denied", "Bot is not an administrator of the chat")
        raise MaxError(404, "chat.not.found", f"Chat {chat_id} not found")
    call.throttle(str(chat_id))
    links = [
        a.get("payload", {}).get("url")
        for a in body.get("attachments") or []
        if a.get("type") == "share"
    ]
    post = world.add_post(account, text=text, photos=photos, link=links[0] if links else None)
    return {"message": message_json(world, account, post)}


def list_dialog(call: Call, reader_id: str):
    """A reader's dialog with the bot, newest first (``from``/``to`` bound the time)."""
    account, world = call.account, call.world
    if reader_id not in account.dialog_state:
        raise MaxError(404, "chat.not.found", "Chat not found")
    count = max(1, min(int(call.params.get("count", 50) or 50), 100))
    messages = list(reversed(account.dialogs.get(reader_id, [])))
    low = int(call.params.get("from") or 0)
    high = int(call.params.get("to") or 0) or None
    messages = [
        m for m in messages if ms(m["date"]) >= low and (high is None or ms(m["date"]) <= high)
    ]
    return {
        "messages": [dialog_message_json(world, account, reader_id, m) for m in messages[:count]]
    }


def list_messages(call: Call):
    account, world = call.account, call.world
    chat_id = str(call.params.get("chat_id"))
    if chat_id.lstrip("-").isdigit() and reader_of(chat_id):
        return list_dialog(call, reader_of(chat_id))
    if chat_id != str(account.external_id):
        raise MaxError(404, "chat.not.found", "Chat not found")
    count = max(1, min(int(call.params.get("count", 50) or 50), 100))
    posts = list(reversed(account.live_posts()))
    if call.params.get("message_ids"):
        wanted = set(call.params["message_ids"].split(","))
        posts = [p for p in posts if mid(account, p.id) in wanted]
    # ``from`` and ``to`` bound the messages' time (milliseconds), newest first.
    try:
        bounds = [int(call.params[name]) for name in ("from", "to") if call.params.get(name)]
    except ValueError:
        raise MaxError(400, "proto.payload", "from and to must be timestamps") from None
    if len(bounds) == 2:
        low, high = min(bounds), max(bounds)
        posts = [p for p in posts if low <= ms(p.date) <= high]
    elif call.params.get("from"):
        posts = [p for p in posts if ms(p.date) >= bounds[0]]
    elif call.params.get("to"):
        posts = [p for p in posts if ms(p.date) <= bounds[0]]
    return {"messages": [message_json(world, account, p) for p in posts[:count]]}


def delete(call: Call):
    post = post_of(call.account, call.params.get("message_id", ""))
    if post is None:
        raise MaxError(404, "not.found", "Message not found")
    post.deleted = True
    return {"success": True}


def me(call: Call):
    account = call.account
    return {
        "user_id": account.flags["bot_id"],
        "name": f"{account.name} (бот)",
        "username": f"{account.screen_name}_bot",
        "is_bot": True,
        "last_activity_time": ms(call.world.now()),
    }


def chat(call: Call):
    account = call.world.by_external_id("max", call.request.path_params["chat_id"])
    if account is None:
        raise MaxError(404, "not.found", "Chat not found")
    if account is not call.account:
        raise MaxError(403, "chat.denied", "Bot is not a member of the chat")
    return chat_json(call.world, account)


def dialog_json(world, account, reader_id: str) -> dict:
    state = account.dialog_state[reader_id]
    messages = account.dialogs.get(reader_id) or []
    return {
        "chat_id": dialog_chat(reader_id),
        "type": "dialog",
        "status": "active" if not state["stopped"] else "closed",
        "title": None,
        "last_event_time": ms(messages[-1]["date"] if messages else world.started),
        "participants_count": 2,
        "is_public": False,
        "dialog_with_user": user_json({"reader_id": int(reader_id), **state}),
    }


def chats(call: Call):
    """The bot's channel, then its dialogs with readers, latest activity first, a page of
    ``count`` (≤ 100) at a time; ``marker`` continues."""
    account, world = call.account, call.world
    count = max(1, min(int(call.params.get("count", 50) or 50), 100))
    start = int(call.params.get("marker") or 0)
    order = sorted(
        account.dialog_state,
        key=lambda key: -(account.dialogs.get(key) or [{"date": 0}])[-1]["date"],
    )
    total = len(order) + 1  # the channel comes first
    page = [
        chat_json(world, account) if index == 0 else dialog_json(world, account, order[index - 1])
        for index in range(start, min(start + count, total))
    ]
    marker = start + count if start + count < total else None
    return {"chats": page, "marker": marker}


def answer(call: Call):
    """``POST /answers?callback_id=``: the answer to a pressed button."""
    callback_id = call.params.get("callback_id", "")
    if callback_id not in call.account.callbacks:
        raise MaxError(404, "not.found", "Callback not found")
    try:
        body = json.loads(call.params.pop("_body", "") or "{}")
    except ValueError:
        raise MaxError(400, "proto.payload", "Invalid JSON body") from None
    if not body.get("message") and body.get("notification") is None:
        raise MaxError(400, "proto.payload", "Either message or notification is required")
    call.account.callbacks[callback_id] = True
    return {"success": True}


def new_upload(call: Call):
    if call.params.get("type") not in ("image", "video", "audio", "file"):
        raise MaxError(400, "proto.payload", "type: must be one of image, video, audio, file")
    if call.params["type"] != "image":
        raise MaxError(400, "proto.payload", "Only images are emulated")
    key = derive(call.world.seed, "max-upload", call.world.next_id(), length=24)
    call.world.uploads[key] = {"account": call.account.key, "network": "max"}
    return {"url": f"{call.request.base_url}max/upload/{key}"}


async def updates(call: Call):
    account = call.account
    if account.webhook:
        return {"updates": [], "marker": account.event_seq}
    marker = call.params.get("marker")
    after = int(marker) if marker not in (None, "") else account.flags.get("max_marker", 0)
    account.flags["max_marker"] = after
    timeout = min(float(call.params.get("timeout", 30) or 0), 90)
    limit = max(1, min(int(call.params.get("limit", 100) or 100), 1000))
    types = {t for t in str(call.params.get("types") or "").split(",") if t}
    events = await call.world.wait_events(account, after, timeout)
    found = []
    for event in events:
        update = update_json(call.world, account, event)
        if update is not None and (not types or update["update_type"] in types):
            found.append((event, update))
    found = found[:limit]
    last = found[-1][0]["seq"] if found else max(after, account.event_seq)
    return {"updates": [update for _, update in found], "marker": last}


def subscribe(call: Call):
    try:
        body = json.loads(call.params.pop("_body", "") or "{}")
    except ValueError:
        raise MaxError(400, "proto.payload", "Invalid JSON body") from None
    url = body.get("url", "")
    if not url.startswith(("http://", "https://")):
        raise MaxError(400, "proto.payload", "url: must be an HTTP(S) URL")
    secret = body.get("secret") or ""
    if secret and not (5 <= len(secret) <= 256):
        raise MaxError(400, "proto.payload", "secret: size must be between 5 and 256")
    call.account.webhook = {
        "url": url,
        "secret": secret,
        "update_types": body.get("update_types") or [],
        "time": ms(call.world.now()),
    }
    return {"success": True}


def subscriptions(call: Call):
    hook = call.account.webhook
    items = (
        []
        if not hook
        else [{"url": hook["url"], "time": hook["time"], "update_types": hook["update_types"]}]
    )
    return {"subscriptions": items}


def unsubscribe(call: Call):
    hook = call.account.webhook
    if hook and call.params.get("url") in (None, hook["url"]):
        call.account.webhook = None
    return {"success": True}


def webhook_body(world, account, event: dict) -> dict | None:
    update = update_json(world, account, event)
    types = account.webhook.get("update_types") or []
    if update is None or (types and update["update_type"] not in types):
        return None
    return update


FAULTS = {
    500: ("internal.error", "Internal server error"),
    503: ("service.unavailable", "Service temporarily unavailable"),
    429: ("too.many.requests", "Too many requests"),
    401: ("verify.token", "Invalid access_token"),
    403: ("chat.denied", "Bot is not an administrator of the chat"),
    400: ("attachment.not.ready", "Key: errors.process.attachment.file.not.processed"),
}


def endpoint(handler, name: str):
    async def view(request: Request):
        world = world_of(request)
        params, files = (
            await read_params(request)
            if request.method == "GET"
            else (dict(request.query_params), {})
        )
        if request.method in ("POST", "PUT", "PATCH"):
            params["_body"] = (await request.body()).decode() or "{}"
        decision = await apply_faults(request, "max", name)
        if decision.action == "timeout":
            return lost_answer()
        if decision.action == "error":
            status = int(decision.fault.error or 500)
            code, message = FAULTS.get(status, FAULTS[500])
            return fail(status, code, message)
        value = request.headers.get("authorization") or params.get("access_token", "")
        token, _ = world.token(value)
        if token is None or token.network != "max":
            return fail(401, "verify.token", "Invalid access_token")
        call = Call(request, world, world.accounts[token.subject], params, files)
        try:
            result = handler(call)
            if hasattr(result, "__await__"):
                result = await result
        except MaxError as exc:
            return fail(exc.status, exc.code, exc.message)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return fail(400, "proto.payload", f"Invalid request: {exc}")
        if decision.action == "drop":
            return lost_answer()
        return Json(result)

    return view


async def messages(request: Request):
    handlers = {
        "GET": (list_messages, "messages.list"),
        "POST": (send, "messages.send"),
        "DELETE": (delete, "messages.delete"),
    }
    handler, name = handlers[request.method]
    return await endpoint(handler, name)(request)


async def subscriptions_view(request: Request):
    handlers = {
        "GET": (subscriptions, "subscriptions.list"),
        "POST": (subscribe, "subscriptions.add"),
        "DELETE": (unsubscribe, "subscriptions.delete"),
    }
    handler, name = handlers[request.method]
    return await endpoint(handler, name)(request)


async def upload(request: Request):
    world = world_of(request)
    key = request.path_params["key"]
    upload = world.uploads.pop(key, None)
    _, files = await read_params(request)
    if upload is None:
        return fail(404, "not.found", "Upload URL is unknown or already used")
    name, content = files.get("data") or (None, b"")
    if not content:
        world.uploads[key] = upload
        return fail(400, "proto.payload", "Multipart field 'data' is required")
    token = derive(world.seed, "max-photo", key, length=40)
    world.photos[token] = {
        "id": token,
        "filename": name,
        "size": len(content),
        "ready_at": time.monotonic() + world.settings.max_processing_seconds,
    }
    photo_id = str(int(derive(world.seed, token, length=12), 16))
    return Json({"photos": {photo_id: {"token": token}}})


routes = [
    Route("/max/me", endpoint(me, "me"), methods=["GET"]),
    Route("/max/messages", messages, methods=["GET", "POST", "DELETE"]),
    Route("/max/chats", endpoint(chats, "chats.list"), methods=["GET"]),
    Route("/max/chats/{chat_id}", endpoint(chat, "chats.get"), methods=["GET"]),
    Route("/max/uploads", endpoint(new_upload, "uploads"), methods=["POST"]),
    Route("/max/upload/{key}", upload, methods=["POST"]),
    Route("/max/updates", endpoint(updates, "updates"), methods=["GET"]),
    Route("/max/subscriptions", subscriptions_view, methods=["GET", "POST", "DELETE"]),
    Route("/max/answers", endpoint(answer, "answers"), methods=["POST"]),
]


@register
class MaxEmulator(Emulator):
    network = "max"
    title = "MAX"
    path = "/max"
    routes = routes
    profile_url = "https://max.ru/{screen_name}"
    demo_tokens = {"bot": "bot_token"}

    def new_external_id(self, number: int) -> int:
        return -71000000000 - number

    def issue_tokens(self, world, account) -> None:
        bot = derive(world.seed, "max-bot", account.key, length=48)
        world.tokens[bot] = Token(bot, "max", "bot", account.key)
        account.tokens["bot"] = bot
        account.flags.setdefault("bot_id", 9000000 + int(unit(world.seed, account.key) * 1e6))

    def webhook_request(self, world, account, event: dict) -> tuple[dict, dict] | None:
        body = webhook_body(world, account, event)
        if body is None:
            return None
        secret = account.webhook.get("secret")
        return body, ({"X-Max-Bot-Api-Secret": secret} if secret else {})
