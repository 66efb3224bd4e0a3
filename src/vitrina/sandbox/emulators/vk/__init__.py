"""VK API emulation: ``/vk/method/<name>``, the photo upload server, Bots Long Poll and the
Callback API, with VK's token kinds, rate limits and the 50-posts-a-day cap.

The methods live in ``wall`` and ``community``; this module dispatches calls to them, checks
the token and the rate, and serves uploads, Long Poll and webhook bodies."""

import json

from starlette.requests import Request
from starlette.routing import Route

from ...common import Json, apply_faults, lost_answer, read_params, world_of
from ...dynamics import unit
from ...networks import Emulator, register
from ...state import Token, derive
from .calls import COMMUNITY_ONLY, MESSAGES, USER_ONLY, VERSION, Call, VkError, owner_of
from .community import (
    LONG_POLL_DEFAULT,
    groups_add_callback_server,
    groups_delete_callback_server,
    groups_get_by_id,
    groups_get_callback_confirmation_code,
    groups_get_callback_servers,
    groups_get_long_poll_server,
    groups_set_callback_settings,
    groups_set_long_poll_settings,
    messages_get_history,
    messages_is_messages_from_group_allowed,
    messages_send,
    messages_send_message_event_answer,
    stats_get,
    stats_get_post_reach,
    users_get,
)
from .wall import (
    photos_get_wall_upload_server,
    photos_save_wall_photo,
    polls_create,
    wall_create_comment,
    wall_delete,
    wall_get,
    wall_get_by_id,
    wall_get_comments,
    wall_post,
)

METHODS = {
    "wall.post": wall_post,
    "wall.get": wall_get,
    "wall.getById": wall_get_by_id,
    "wall.delete": wall_delete,
    "wall.getComments": wall_get_comments,
    "wall.createComment": wall_create_comment,
    "photos.getWallUploadServer": photos_get_wall_upload_server,
    "photos.saveWallPhoto": photos_save_wall_photo,
    "polls.create": polls_create,
    "stats.get": stats_get,
    "stats.getPostReach": stats_get_post_reach,
    "groups.getById": groups_get_by_id,
    "messages.send": messages_send,
    "messages.getHistory": messages_get_history,
    "messages.sendMessageEventAnswer": messages_send_message_event_answer,
    "messages.isMessagesFromGroupAllowed": messages_is_messages_from_group_allowed,
    "users.get": users_get,
    "groups.getLongPollServer": groups_get_long_poll_server,
    "groups.setLongPollSettings": groups_set_long_poll_settings,
    "groups.getCallbackConfirmationCode": groups_get_callback_confirmation_code,
    "groups.addCallbackServer": groups_add_callback_server,
    "groups.setCallbackSettings": groups_set_callback_settings,
    "groups.getCallbackServers": groups_get_callback_servers,
    "groups.deleteCallbackServer": groups_delete_callback_server,
}


def error(code: int, message: str, params: dict, name: str, **extra) -> Json:
    request_params = [{"key": "method", "value": name}] + [
        {"key": k, "value": str(v)} for k, v in params.items() if k != "access_token"
    ]
    return Json(
        {"error": dict(error_code=code, error_msg=message, request_params=request_params, **extra)}
    )


def error_for_fault(code, params, name) -> Json:
    code = int(code or 10)
    extra = {}
    if code == 14:
        extra = {
            "captcha_sid": "548312093574",
            "captcha_img": "https://api.vk.com/captcha.php?sid=548312093574",
        }
    elif code == 17:
        extra = {"redirect_uri": "https://id.vk.com/validate?sandbox=1"}
    elif code == 5:
        return error(5, "User authorization failed: access_token has expired.", params, name)
    return error(code, MESSAGES.get(code, MESSAGES[1]), params, name, **extra)


async def method(request: Request):
    name = request.path_params["name"]
    world = world_of(request)
    params, files = await read_params(request)
    decision = await apply_faults(request, "vk", name)
    if decision.action in ("timeout",):
        return lost_answer()
    if decision.action == "error":
        return error_for_fault(decision.fault.error, params, name)
    handler = METHODS.get(name)
    if handler is None:
        return error(3, MESSAGES[3], params, name)
    if not params.get("v"):
        return error(100, f"{MESSAGES[100]}: v is required", params, name)
    value = params.get("access_token")
    auth = request.headers.get("authorization", "")
    if not value and auth.lower().startswith("bearer "):
        value = auth[7:].strip()
    token, problem = world.token(value)
    if token is None or token.network != "vk":
        text = (
            "User authorization failed: access_token has expired."
            if problem == "expired"
            else MESSAGES[5]
        )
        return error(5, text, params, name)
    if name in USER_ONLY and token.kind != "user":
        return error(27, MESSAGES[27], params, name)
    if name in COMMUNITY_ONLY and token.kind != "community":
        return error(
            15, f"{MESSAGES[15]}: this method is available only with community token", params, name
        )
    rate = world.settings.vk_user_rps if token.kind == "user" else world.settings.vk_community_rps
    if world.throttle(("vk", token.value), rate):
        world.refused("vk")
        return error(6, MESSAGES[6], params, name)
    try:
        result = handler(Call(request, world, token, params, files))
    except VkError as exc:
        return error(exc.code, exc.message, params, name, **exc.extra)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return error(100, f"{MESSAGES[100]}: {exc}", params, name)
    if decision.action == "drop":
        return lost_answer()
    return Json({"response": result})


async def upload(request: Request):
    world = world_of(request)
    key = request.path_params["key"]
    decision = await apply_faults(request, "vk", "upload")
    _, files = await read_params(request)
    upload = world.uploads.get(key)
    if upload is None:
        return Json({"error": "invalid upload key"})
    if decision.action:
        return lost_answer()
    stored = [
        {"filename": name, "size": len(content)}
        for field, (name, content) in sorted(files.items())
        if content and (field == "photo" or field.startswith("file"))
    ]
    upload["files"] = stored
    hashed = derive(world.seed, "vk-hash", key, length=32)
    photo = json.dumps(
        [{"photo": derive(world.seed, key, i, length=10)} for i in range(len(stored))]
    )
    return Json({"server": int(key), "photo": photo if stored else "[]", "hash": hashed})


async def longpoll(request: Request):
    world = world_of(request)
    account = world.by_external_id("vk", request.path_params["group_id"])
    params = dict(request.query_params)
    decision = await apply_faults(request, "vk", "longpoll")
    if account is None or params.get("act") != "a_check":
        return Json({"failed": 2})
    if decision.action == "longpoll":
        failed = decision.fault.longpoll_failed
        if failed == 1:
            return Json({"failed": 1, "ts": str(account.event_seq)})
        account.flags["lp_key"] = None
        return Json({"failed": failed})
    if not params.get("key") or params.get("key") != account.flags.get("lp_key"):
        return Json({"failed": 2})
    try:
        ts = int(params.get("ts", ""))
    except ValueError:
        return Json({"failed": 1, "ts": str(account.event_seq)})
    oldest = account.events[0]["seq"] - 1 if account.events else account.event_seq
    if ts > account.event_seq or ts < oldest:
        return Json({"failed": 1, "ts": str(account.event_seq)})
    wait = min(float(params.get("wait", 25) or 0), 90)
    events = await world.wait_events(account, ts, wait)
    return Json(
        {
            "ts": str(account.event_seq),
            "updates": [
                u
                for u in (event_json(world, account, e) for e in events)
                if u and u["type"] in account.flags.get("lp_events", LONG_POLL_DEFAULT)
            ],
        }
    )


def dialog_json(account, event: dict) -> tuple[str, dict] | None:
    """A reader's act in the dialog as the Callback API and Long Poll carry it."""
    reader = event["reader"]["reader_id"]
    action = event["action"]
    if action == "allow":
        return "message_allow", {"user_id": reader, "key": event.get("payload") or ""}
    if action in ("deny", "stop"):
        return "message_deny", {"user_id": reader}
    if action == "press":
        return "message_event", {
            "user_id": reader,
            "peer_id": reader,
            "event_id": event["callback_id"],
            "payload": json.loads(event["payload"]) if event.get("payload") else None,
            "conversation_message_id": event.get("message_id", 0),
        }
    return None


def event_json(world, account, event: dict) -> dict | None:
    group_id = account.external_id
    if event["kind"] == "dialog":
        found = dialog_json(account, event)
        if found is None:
            return None
        kind, obj = found
    elif event["kind"] == "message":
        message = event["message"]
        item = {
            "id": message["id"],
            "date": int(message["date"]),
            "peer_id": message["reader_id"],
            "from_id": message["reader_id"],
            "text": message["text"],
            "attachments": [],
            "conversation_message_id": message["id"],
            "out": 0,
            "important": False,
            "is_hidden": False,
            "fwd_messages": [],
        }
        if message.get("ref"):
            item.update(ref=message["ref"], ref_source="vk.me")
        if message.get("button_payload"):
            item["payload"] = message["button_payload"]
        obj = {
            "message": item,
            "client_info": {
                "button_actions": ["text", "callback", "open_link"],
                "keyboard": True,
                "inline_keyboard": True,
                "carousel": True,
                "lang_id": 0,
            },
        }
        kind = "message_new"
    else:
        comment = event["comment"]
        obj = {
            "id": comment["id"],
            "from_id": comment["reader_id"],
            "date": int(comment["date"]),
            "text": comment["text"],
            "post_id": event["post_id"],
            "post_owner_id": -group_id,
            "owner_id": -group_id,
            "parents_stack": [],
        }
        kind = "wall_reply_new"
    return {
        "type": kind,
        "event_id": derive(world.seed, "event", account.key, event["seq"], length=40),
        "v": VERSION,
        "object": obj,
        "group_id": group_id,
    }


def callback_body(world, account, event: dict) -> dict | None:
    body = event_json(world, account, event)
    if body is None:
        return None
    if account.webhook.get("secret"):
        body["secret"] = account.webhook["secret"]
    return body


def confirmation_body(account) -> dict:
    return {"type": "confirmation", "group_id": account.external_id}


routes = [
    Route("/vk/method/{name}", method, methods=["GET", "POST"]),
    Route("/vk/upload/{key}", upload, methods=["POST"]),
    Route("/vk/longpoll/{group_id}", longpoll, methods=["GET", "POST"]),
]


@register
class VkEmulator(Emulator):
    network = "vk"
    title = "ВКонтакте"
    path = "/vk"
    routes = routes
    default_kind = "community"
    profile_url = "https://vk.com/{screen_name}"
    demo_tokens = {"user": "user_token", "community": "community_token"}
    user_token_prefix = "vk1.a."
    user_token_kind = "user"

    def new_external_id(self, number: int) -> int:
        return 230000000 + number * 7919

    def reader_starts(self, world, account, reader_id, payload: str) -> None:
        # vk.me/<name>?ref=… opens the dialog; the reader's first message carries the ref.
        state = world.dialog_open(account, reader_id)
        author = {"reader_id": int(reader_id), **{k: state[k] for k in ("first_name", "last_name")}}
        world.receive_message(account, author, "Начать", ref=payload or None)

    def admin_user_id(self, seed: int, account) -> int | None:
        if account.kind != "community":
            return None
        return 600000000 + int(unit(seed, account.key) * 1e8)

    def issue_tokens(self, world, account) -> None:
        user_id = account.admin_user_id or account.external_id
        user = "vk1.a." + derive(world.seed, "vk-user", user_id, length=64)
        world.tokens[user] = Token(user, "vk", "user", str(user_id))
        account.tokens["user"] = user
        account.tokens["user_id"] = str(user_id)
        if account.kind == "community":
            community = "vk1.a." + derive(world.seed, "vk-community", account.key, length=64)
            world.tokens[community] = Token(community, "vk", "community", account.key)
            account.tokens["community"] = community

    def history_post(self, world, account, post) -> None:
        # VK keeps polls apart from the wall: polls.getById must find the past ones too.
        if not post.poll:
            return
        poll_id = post.poll["id"]
        world.polls[poll_id] = {
            "id": poll_id,
            "owner_id": owner_of(account),
            "created": post.date,
            "question": post.poll["question"],
            "answers": [
                {"id": poll_id * 10 + i, "text": text}
                for i, text in enumerate(post.poll["answers"])
            ],
            "anonymous": True,
            "multiple": False,
            "end_date": 0,
        }

    def webhook_request(self, world, account, event: dict) -> tuple[dict, dict] | None:
        hook = account.webhook
        if hook.get("status") != "ok":
            return None  # an address VK could not confirm receives nothing
        body = callback_body(world, account, event)
        if body is None:
            return None
        # Once setCallbackSettings chose the event types, only those are sent.
        if "events" in hook and body["type"] not in hook["events"]:
            return None
        return body, {}

    def accepted(self, response) -> bool:
        return response.status_code == 200 and response.text.strip() == "ok"

    async def confirm(self, delivery, account) -> None:
        """VK checks a new callback server by asking it for the confirmation code."""
        hook = account.webhook
        response = await delivery.post(hook["url"], confirmation_body(account), {})
        code = derive(delivery.world.seed, "confirm", account.key, length=8)
        ok = response is not None and response.text.strip() == code
        hook["status"] = "ok" if ok else "failed"
