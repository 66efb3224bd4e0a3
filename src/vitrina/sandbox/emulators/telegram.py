"""Telegram Bot API emulation: ``/telegram/bot<token>/<method>``.

Each emulated channel has its own bot (an administrator of the channel) and a linked
discussion group where readers comment; readers also write to the bot privately.

The module is longer than most (about 690 lines) because the Bot API serves three places at
once — the channel, its discussion group and the bot's private chats with readers (inline
keyboards, callback queries, blocking the bot, the update types a bot asks for); it stays one
module, as every emulated network is, so that the network's rules are read in one place.
"""

import json
import math
import time

from starlette.requests import Request
from starlette.routing import Route

from ..common import Json, apply_faults, lost_answer, read_params, world_of
from ..dynamics import unit
from ..networks import Emulator, register
from ..state import Token, derive

UPDATE_BASE = 300000000


class TgError(Exception):
    def __init__(self, code: int, description: str, **parameters):
        self.code, self.description, self.parameters = code, description, parameters


def fail(code: int, description: str, **parameters) -> Json:
    body = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Json(body, status_code=code)


def chat_json(account) -> dict:
    return {
        "id": account.external_id,
        "title": account.name,
        "username": account.screen_name,
        "type": "channel",
    }


def discussion_json(account) -> dict:
    return {
        "id": account.flags["discussion_id"],
        "title": f"{account.name} — обсуждение",
        "type": "supergroup",
    }


def photo_sizes(photo: dict) -> list:
    return [
        {
            "file_id": f"{photo['id']}{suffix}",
            "file_unique_id": f"{photo['id']}"[:16] + suffix,
            "width": width,
            "height": int(width * 0.75),
            "file_size": photo["size"] * width // 1280,
        }
        for suffix, width in (("", 320), ("-m", 800), ("-x", 1280))
    ]


def message_json(account, post) -> dict:
    message = {
        "message_id": post.id,
        "sender_chat": chat_json(account),
        "chat": chat_json(account),
        "date": int(post.date),
    }
    if post.photos:
        message["photo"] = photo_sizes(post.photos[0])
        if post.text:
            message["caption"] = post.text
    elif post.poll and "answers" in post.poll:
        poll = post.poll
        message["poll"] = {
            "id": str(poll["id"]),
            "question": poll["question"],
            "options": [
                {"text": str(text), "voter_count": 0, "persistent_id": str(index)}
                for index, text in enumerate(poll["answers"])
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": poll.get("anonymous", True),
            "type": "regular",
            "allows_multiple_answers": poll.get("multiple", False),
            "allows_revoting": True,
            "members_only": False,
        }
    else:
        message["text"] = post.text
    if post.extra.get("media_group_id"):
        message["media_group_id"] = post.extra["media_group_id"]
    return message


def reader_json(author: dict) -> dict:
    return {
        "id": author["reader_id"],
        "is_bot": False,
        "first_name": author["first_name"],
        "last_name": author["last_name"],
        "language_code": "ru",
    }


# The update types a bot gets when it names none (Telegram leaves these three out).
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}


def private_chat(reader: dict) -> dict:
    return {
        "id": reader["reader_id"],
        "first_name": reader["first_name"],
        "last_name": reader["last_name"],
        "type": "private",
    }


def reply_markup(buttons: list) -> dict:
    rows = []
    for button in buttons:
        if button.get("url"):
            rows.append([{"text": button["label"], "url": button["url"]}])
        else:
            rows.append([{"text": button["label"], "callback_data": button["payload"]}])
    return {"inline_keyboard": rows}


def bot_message_json(account, reader_id, message: dict) -> dict:
    item = {
        "message_id": message["id"],
        "from": {"id": account.flags["bot_id"], "is_bot": True, "first_name": account.name},
        "chat": {"id": int(reader_id), "type": "private"},
        "date": int(message["date"]),
        "text": message["text"],
    }
    if message.get("buttons"):
        item["reply_markup"] = reply_markup(message["buttons"])
    return item


def member_json(account, status: str) -> dict:
    return {
        "user": {
            "id": account.flags["bot_id"],
            "is_bot": True,
            "first_name": f"{account.name} (бот)",
            "username": f"{account.screen_name}_bot",
        },
        "status": status,
    }


def dialog_update(account, event: dict) -> dict | None:
    reader = event["reader"]
    action = event["action"]
    if action == "press":
        key = str(reader["reader_id"])
        message = next(
            (m for m in account.dialogs.get(key, []) if m["id"] == event.get("message_id")), None
        )
        query = {
            "id": event["callback_id"],
            "from": reader_json(reader),
            "chat_instance": derive(account.key, key, length=19),
            "data": event.get("payload", ""),
        }
        if message is not None:
            query["message"] = bot_message_json(account, key, message)
        return {"callback_query": query}
    if action in ("stop", "deny", "allow", "start"):
        blocked = action in ("stop", "deny")
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        return {
            "my_chat_member": {
                "chat": private_chat(reader),
                "from": reader_json(reader),
                "date": int(event["time"]),
                "old_chat_member": member_json(account, old),
                "new_chat_member": member_json(account, new),
            }
        }
    return None


def update_type(update: dict) -> str:
    return next(key for key in update if key != "update_id")


def wanted(allowed, update: dict) -> bool:
    kind = update_type(update)
    return kind in allowed if allowed else kind not in NOT_BY_DEFAULT


def update_json(account, event: dict) -> dict | None:
    if event["kind"] == "dialog":
        update = dialog_update(account, event)
        return None if update is None else {"update_id": UPDATE_BASE + event["seq"], **update}
    if event["kind"] == "message":
        item = event["message"]
        chat = dict(reader_json(item), type="private")
        del chat["is_bot"], chat["language_code"]
        message = {
            "message_id": item["id"],
            "from": reader_json(item),
            "chat": chat,
            "date": int(item["date"]),
            "text": item["text"],
        }
    else:
        item = event["comment"]
        post = account.post(event["post_id"])
        original = {
            "message_id": 10000 + event["post_id"],
            "sender_chat": chat_json(account),
            "chat": discussion_json(account),
            "date": int(post.date) if post else int(item["date"]),
            "is_automatic_forward": True,
            "forward_origin": {
                "type": "channel",
                "chat": chat_json(account),
                "message_id": event["post_id"],
                "date": int(post.date) if post else int(item["date"]),
            },
        }
        message = {
            "message_id": 20000 + item["id"],
            "from": reader_json(item),
            "chat": discussion_json(account),
            "date": int(item["date"]),
            "text": item["text"],
            "message_thread_id": original["message_id"],
            "reply_to_message": original,
        }
    return {"update_id": UPDATE_BASE + event["seq"], "message": message}


class Call:
    def __init__(self, request, world, account, params, files):
        self.request, self.world, self.account = request, world, account
        self.params, self.files = params, files

    def flag(self, name: str, default=False) -> bool:
        value = self.params.get(name)
        return default if value is None else str(value).lower() in ("true", "1")

    def chat(self) -> tuple[str, object]:
        """('channel', account) or ('private', reader id); the bot acts only where it may."""
        raw = str(self.params.get("chat_id", "")).strip()
        if not raw:
            raise TgError(400, "Bad Request: chat_id is empty")
        account = self.account
        if raw in (str(account.external_id), f"@{account.screen_name}"):
            return "channel", account
        if raw == str(account.flags["discussion_id"]):
            return "discussion", account
        if raw in account.dialog_state:
            state = account.dialog_state[raw]
            if state["stopped"]:
                raise TgError(403, "Forbidden: bot was blocked by the user")
            if not state["allowed"]:
                raise TgError(403, "Forbidden: bot can't initiate conversation with a user")
            return "private", raw
        other = self.world.by_external_id("telegram", raw.lstrip("@"))
        if other is not None:
            raise TgError(403, "Forbidden: bot is not a member of the channel chat")
        if raw.lstrip("-").isdigit() and not raw.startswith("-"):
            raise TgError(403, "Forbidden: bot can't initiate conversation with a user")
        raise TgError(400, "Bad Request: chat not found")

    def throttle(self, chat: str):
        world, token = self.world, self.account.tokens["bot"]
        settings = world.settings
        wait = world.throttle(
            ("tg", token, chat), settings.telegram_chat_rps, settings.telegram_chat_burst
        ) or world.throttle(("tg", token), settings.telegram_bot_rps)
        if wait:
            world.refused("telegram")
            retry = max(1, math.ceil(wait))
            raise TgError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)

    def photo(self, value) -> dict:
        value = str(value or "")
        if value.startswith("attach://"):
            value = value[len("attach://") :]
            if value not in self.files:
                raise TgError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if value in self.files:
            name, content = self.files[value]
            if len(content) > 10 * 1024 * 1024:
                raise TgError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
            if not content:
                raise TgError(400, "Bad Request: file must be non-empty")
            file_id = "AgACAgIAAxk" + derive(self.world.seed, "tg-file", self.world.next_id())
            photo = {"id": file_id, "filename": name, "size": len(content)}
            self.world.photos[file_id] = photo
            return photo
        if value in self.world.photos:
            return self.world.photos[value]
        if value.startswith(("http://", "https://")):
            return {
                "id": "AgACAgIAAxk" + derive(self.world.seed, value),
                "filename": value,
                "size": 0,
            }
        raise TgError(400, "Bad Request: wrong file identifier/HTTP URL specified")


def _channel_post(call: Call, **values):
    kind, target = call.chat()
    if kind == "private":
        buttons = inline_keyboard(call.params.get("reply_markup"))
        call.throttle(target)
        message = call.world.send_to_reader(call.account, target, values.get("text", ""), buttons)
        return bot_message_json(call.account, target, message)
    if kind == "discussion":
        return _discussion_reply(call, values.get("text", ""))
    call.throttle(str(call.account.external_id))
    post = call.world.add_post(call.account, **values)
    return message_json(call.account, post)


def inline_keyboard(raw) -> list:
    """The buttons of ``reply_markup``, checked as Telegram checks them."""
    if not raw:
        return []
    try:
        markup = json.loads(raw) if isinstance(raw, str) else raw
        rows = markup["inline_keyboard"]
    except (ValueError, KeyError, TypeError):
        raise TgError(400, "Bad Request: can't parse reply keyboard markup JSON object") from None
    buttons = []
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            text = (button or {}).get("text") or ""
            if not text:
                raise TgError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                data = str(button["callback_data"])
                if not 1 <= len(data.encode()) <= 64:
                    raise TgError(400, "Bad Request: BUTTON_DATA_INVALID")
                buttons.append({"label": text, "payload": data, "url": ""})
            elif str(button.get("url", "")).startswith(("http://", "https://", "tg://")):
                buttons.append({"label": text, "payload": "", "url": button["url"]})
            else:
                raise TgError(400, "Bad Request: BUTTON_TYPE_INVALID")
    return buttons


def answer_callback_query(call: Call):
    query = str(call.params.get("callback_query_id", ""))
    if query not in call.account.callbacks or call.account.callbacks[query]:
        raise TgError(
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
    if len(call.params.get("text", "") or "") > 200:
        raise TgError(400, "Bad Request: MESSAGE_TOO_LONG")
    call.account.callbacks[query] = True
    return True


def _discussion_reply(call: Call, text: str):
    """An answer in the channel's discussion group lands as a comment under the post."""
    account = call.account
    raw = call.params.get("reply_parameters") or "{}"
    number = int(json.loads(raw).get("message_id") or call.params.get("reply_to_message_id") or 0)
    post = None
    if number >= 20000:
        post = next(
            (p for p in account.posts if any(c["id"] == number - 20000 for c in p.comments)), None
        )
    elif number >= 10000:
        post = account.post(number - 10000)
    if post is None:
        raise TgError(400, "Bad Request: message to be replied not found")
    call.throttle(str(account.flags["discussion_id"]))
    account.comment_seq += 1
    comment = {
        "id": account.comment_seq,
        "reader_id": account.external_id,
        "first_name": account.name,
        "last_name": "",
        "date": call.world.now(),
        "text": text,
        "by_owner": True,
        "reply_to": number - 20000 if number >= 20000 else None,
    }
    post.comments.append(comment)
    return {
        "message_id": 20000 + comment["id"],
        "sender_chat": chat_json(account),
        "chat": discussion_json(account),
        "date": int(comment["date"]),
        "text": text,
    }


def get_me(call: Call):
    account = call.account
    return {
        "id": account.flags["bot_id"],
        "is_bot": True,
        "first_name": f"{account.name} (бот)",
        "username": f"{account.screen_name}_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def send_message(call: Call):
    text = call.params.get("text", "")
    if not text.strip():
        raise TgError(400, "Bad Request: message text is empty")
    if len(text) > 4096:
        raise TgError(400, "Bad Request: message is too long")
    return _channel_post(call, text=text)


def send_photo(call: Call):
    caption = call.params.get("caption", "")
    if len(caption) > 1024:
        raise TgError(400, "Bad Request: message caption is too long")
    photo = call.photo(call.params.get("photo") or next(iter(call.files), None))
    return _channel_post(call, text=caption, photos=[photo])


def send_media_group(call: Call):
    try:
        media = json.loads(call.params.get("media", "[]"))
    except ValueError:
        raise TgError(400, "Bad Request: can't parse media JSON object") from None
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise TgError(400, "Bad Request: wrong number of media in the album: 2-10 are allowed")
    for item in media:
        if len(item.get("caption", "")) > 1024:
            raise TgError(400, "Bad Request: message caption is too long")
        if item.get("type") != "photo":
            raise TgError(400, "Bad Request: only photos are emulated in media groups")
    kind, _ = call.chat()
    if kind != "channel":
        raise TgError(400, "Bad Request: media groups are emulated for the channel only")
    call.throttle(str(call.account.external_id))
    group_id = str(13000000000000000 + call.world.next_id())
    messages = []
    for item in media:
        post = call.world.add_post(
            call.account,
            text=item.get("caption", ""),
            photos=[call.photo(item.get("media"))],
            extra={"media_group_id": group_id},
        )
        messages.append(message_json(call.account, post))
    return messages


def send_poll(call: Call):
    question = call.params.get("question", "")
    if not 1 <= len(question) <= 300:
        raise TgError(400, "Bad Request: poll question length must be between 1 and 300")
    try:
        options = json.loads(call.params.get("options", "[]"))
    except ValueError:
        raise TgError(400, "Bad Request: can't parse options JSON object") from None
    texts = [o["text"] if isinstance(o, dict) else str(o) for o in options]
    if len(texts) < 2:
        raise TgError(400, "Bad Request: poll must have at least 2 option")
    if len(texts) > 12:
        raise TgError(400, "Bad Request: poll can't have more than 12 options")
    if any(not 1 <= len(t) <= 100 for t in texts):
        raise TgError(400, "Bad Request: poll options length must not exceed 100")
    anonymous = call.flag("is_anonymous", True)
    if not anonymous:
        raise TgError(400, "Bad Request: non-anonymous polls can't be sent to channel chats")
    poll = {
        "id": 5000000000000000000 + call.world.next_id(),
        "question": question,
        "answers": texts,
        "anonymous": anonymous,
        "multiple": call.flag("allows_multiple_answers"),
    }
    return _channel_post(call, text=question, poll=poll)


def get_chat_member_count(call: Call):
    kind, account = call.chat()
    if kind != "channel":
        return 2
    return call.world.members(account)


def get_chat(call: Call):
    kind, account = call.chat()
    if kind != "channel":
        raise TgError(400, "Bad Request: chat not found")
    return dict(
        chat_json(account),
        description=f"Официальный канал: {account.name}",
        linked_chat_id=account.flags["discussion_id"],
        accent_color_id=0,
        max_reaction_count=11,
    )


def delete_message(call: Call):
    kind, account = call.chat()
    post = account.post(call.params.get("message_id")) if kind == "channel" else None
    if post is None:
        raise TgError(400, "Bad Request: message to delete not found")
    post.deleted = True
    return True


async def get_updates(call: Call):
    account, world = call.account, call.world
    if account.webhook:
        raise TgError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = int(call.params.get("offset", 0) or 0)
    confirmed = account.flags.get("tg_confirmed", 0)
    if offset > UPDATE_BASE:
        confirmed = max(confirmed, offset - UPDATE_BASE - 1)
        account.flags["tg_confirmed"] = confirmed
    limit = max(1, min(int(call.params.get("limit", 100) or 100), 100))
    timeout = float(call.params.get("timeout", 0) or 0)
    if call.params.get("allowed_updates") is not None:
        try:
            allowed = json.loads(call.params["allowed_updates"])
        except ValueError:
            raise TgError(400, "Bad Request: can't parse allowed updates") from None
        account.flags["tg_allowed"] = list(allowed) if isinstance(allowed, list) else []
    allowed = account.flags.get("tg_allowed") or []
    deadline = time.monotonic() + timeout
    while True:
        events = await world.wait_events(account, confirmed, max(0.0, deadline - time.monotonic()))
        updates = [u for u in (update_json(account, e) for e in events) if u and wanted(allowed, u)]
        if updates or not events or time.monotonic() >= deadline:
            return updates[:limit]
        # Updates of types the bot did not ask for are dropped, as Telegram drops them.
        confirmed = events[-1]["seq"]
        account.flags["tg_confirmed"] = confirmed


def set_webhook(call: Call):
    url = call.params.get("url", "")
    if not url:
        call.account.webhook = None
        return True
    if not url.startswith(("http://", "https://")):
        raise TgError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    secret = call.params.get("secret_token", "")
    if secret and not all(c.isalnum() or c in "_-" for c in secret):
        raise TgError(400, "Bad Request: secret token contains unallowed characters")
    if call.flag("drop_pending_updates"):
        call.account.flags["tg_confirmed"] = call.account.event_seq
    call.account.webhook = {"url": url, "secret": secret}
    if call.params.get("allowed_updates") is not None:
        try:
            allowed = json.loads(call.params["allowed_updates"])
        except ValueError:
            raise TgError(400, "Bad Request: can't parse allowed updates") from None
        call.account.flags["tg_allowed"] = list(allowed) if isinstance(allowed, list) else []
    return True


def delete_webhook(call: Call):
    call.account.webhook = None
    if call.flag("drop_pending_updates"):
        call.account.flags["tg_confirmed"] = call.account.event_seq
    return True


def get_webhook_info(call: Call):
    hook = call.account.webhook or {}
    return {
        "url": hook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }


METHODS = {
    "getme": get_me,
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "sendmediagroup": send_media_group,
    "sendpoll": send_poll,
    "getchatmembercount": get_chat_member_count,
    "getchatmemberscount": get_chat_member_count,
    "getchat": get_chat,
    "deletemessage": delete_message,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "answercallbackquery": answer_callback_query,
}

# Telegram's usual answers to server trouble, by code, for injected faults.
FAULTS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    429: "Too Many Requests: retry after 5",
    401: "Unauthorized",
    403: "Forbidden: bot was kicked from the channel chat",
    400: "Bad Request: chat not found",
}


async def method(request: Request):
    world = world_of(request)
    token = request.path_params["token"]
    name = request.path_params["name"]
    params, files = await read_params(request)
    decision = await apply_faults(request, "telegram", name)
    if decision.action == "timeout":
        return lost_answer()
    if decision.action == "error":
        code = int(decision.fault.error or 500)
        extra = {"retry_after": 5} if code == 429 else {}
        return fail(code, FAULTS.get(code, "Internal Server Error"), **extra)
    found, _problem = world.token(token)
    if found is None or found.network != "telegram":
        return fail(401, "Unauthorized")
    handler = METHODS.get(name.lower())
    if handler is None:
        return fail(404, "Not Found")
    call = Call(request, world, world.accounts[found.subject], params, files)
    try:
        result = handler(call)
        if hasattr(result, "__await__"):
            result = await result
    except TgError as exc:
        return fail(exc.code, exc.description, **exc.parameters)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return fail(400, f"Bad Request: invalid parameters ({exc})")
    if decision.action == "drop":
        return lost_answer()
    return Json({"ok": True, "result": result})


routes = [Route("/telegram/bot{token}/{name}", method, methods=["GET", "POST"])]


@register
class TelegramEmulator(Emulator):
    network = "telegram"
    title = "Telegram"
    path = "/telegram"
    routes = routes
    profile_url = "https://t.me/{screen_name}"
    demo_tokens = {"bot": "bot_token"}

    def new_external_id(self, number: int) -> int:
        return -1002000000000 - number * 7919

    def issue_tokens(self, world, account) -> None:
        bot_id = 7000000000 + int(unit(world.seed, account.key, "bot") * 9e8)
        bot = f"{bot_id}:AA" + derive(world.seed, "tg-bot", account.key, length=33)
        world.tokens[bot] = Token(bot, "telegram", "bot", account.key)
        account.tokens["bot"] = bot
        account.flags.setdefault("bot_id", bot_id)
        account.flags.setdefault("discussion_id", account.external_id - 1)

    def webhook_request(self, world, account, event: dict) -> tuple[dict, dict] | None:
        update = update_json(account, event)
        if update is None or not wanted(account.flags.get("tg_allowed") or [], update):
            return None
        secret = account.webhook.get("secret")
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        return update, headers

    def reader_starts(self, world, account, reader_id, payload: str) -> None:
        # t.me/<bot>?start=… sends the bot «/start PAYLOAD» from the reader.
        state = world.dialog_open(account, reader_id)
        author = {"reader_id": int(reader_id), **{k: state[k] for k in ("first_name", "last_name")}}
        world.receive_message(account, author, f"/start {payload}".strip())
