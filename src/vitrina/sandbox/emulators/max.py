"""MAX Bot API emulation under ``/max``: ``Authorization: <token>`` (no Bearer), millisecond
timestamps, errors as ``{"code", "message"}`` with an HTTP status, and uploads that stay
"not ready" for a moment after they arrive."""

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


def update_json(world, account, event: dict) -> dict:
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
            raise MaxError(429, "too.many.requests", "Too many requests")


def attachments_of(call: Call, body: dict) -> list:
    photos = []
    for attachment in body.get("attachments") or []:
        payload = attachment.get("payload") or {}
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
    photos = attachments_of(call, body)
    if not text and not photos:
        raise MaxError(400, "proto.payload", "Message must have text or attachments")
    account, world = call.account, call.world
    chat_id, user_id = call.params.get("chat_id"), call.params.get("user_id")
    if user_id:
        if user_id not in account.dialogs:
            raise MaxError(403, "chat.denied", "The user has not started a dialog with the bot")
        call.throttle(user_id)
        account.message_seq += 1
        account.dialogs[user_id].append(
            {"id": account.message_seq, "date": world.now(), "text": text, "incoming": False}
        )
        return {
            "message": {
                "recipient": {
                    "chat_id": int(user_id) * 10 + 1,
                    "chat_type": "dialog",
                    "user_id": int(user_id),
                },
                "timestamp": ms(world.now()),
                "body": {
                    "mid": f"mid.dialog{int(user_id):012x}{account.message_seq:08x}",
                    "seq": account.message_seq,
                    "text": text,
                },
            }
        }
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


def list_messages(call: Call):
    account, world = call.account, call.world
    if str(call.params.get("chat_id")) != str(account.external_id):
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


def chats(call: Call):
    return {"chats": [chat_json(call.world, call.account)], "marker": None}


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
    events = await call.world.wait_events(account, after, timeout)
    events = [e for e in events if e["kind"] == "message"][:limit]
    last = events[-1]["seq"] if events else max(after, account.event_seq)
    return {"updates": [update_json(call.world, account, e) for e in events], "marker": last}


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
    return update_json(world, account, event) if event["kind"] == "message" else None


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
