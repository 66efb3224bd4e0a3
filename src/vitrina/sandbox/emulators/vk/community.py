"""Emulated VK methods of a community: statistics, the community itself, readers' names,
messages, Bots Long Poll and the Callback API servers."""

import json

from ...dynamics import DAY
from ...state import derive
from .calls import Call, VkError

# The Callback API event types the sandbox sends, as setCallbackSettings names them.
CALLBACK_EVENTS = (
    "message_new",
    "wall_reply_new",
    "message_allow",
    "message_deny",
    "message_event",
)

# What Bots Long Poll gives before the application chooses (``setLongPollSettings``).
LONG_POLL_DEFAULT = ("message_new", "wall_reply_new")

# VK's statistics count days from Moscow midnight (UTC+3, no daylight saving).
MOSCOW_OFFSET = 3 * 3600


def _period_start(moment: float) -> float:
    return moment - ((moment + MOSCOW_OFFSET) % DAY)


def stats_get(call: Call):
    world = call.world
    account = call.account_for_group(call.params.get("group_id"))
    now = world.now()
    interval = call.params.get("interval", "day")
    step = {"day": DAY, "week": 7 * DAY, "month": 30 * DAY, "year": 365 * DAY}.get(interval)
    start = float(call.int("timestamp_from", int(now - 7 * DAY)))
    end = min(float(call.int("timestamp_to", int(now))), now)
    if interval == "all":
        step = max(1.0, end - start)
    elif step is None:
        raise VkError(100, "interval is invalid")
    periods = []
    cursor = _period_start(start)
    posts = account.live_posts()
    while cursor < end and len(periods) < 400:
        stop = min(cursor + step, end)
        views = likes = copies = comments = 0
        for post in posts:
            if post.date >= stop:
                continue
            before = world.figures(account, post, cursor)
            after = world.figures(account, post, stop)
            views += after["views"] - before["views"]
            likes += after["likes"] - before["likes"]
            copies += after["reposts"] - before["reposts"]
            comments += after["comments"] - before["comments"]
        grown = world.members(account, stop) - world.members(account, cursor)
        reach = int(views * 0.72)
        periods.append(
            {
                "period_from": int(cursor),
                "period_to": int(stop),
                "visitors": {
                    "views": views,
                    "visitors": int(views * 0.55),
                    "mobile_views": int(views * 0.7),
                    "sex": [
                        {"value": "f", "count": int(views * 0.41)},
                        {"value": "m", "count": int(views * 0.14)},
                    ],
                    "age": [],
                    "cities": [{"name": "Кемерово", "value": 0, "count": int(views * 0.3)}],
                },
                "reach": {
                    "reach": reach,
                    "reach_subscribers": int(reach * 0.68),
                    "mobile_reach": int(reach * 0.71),
                },
                "activity": {
                    "likes": likes,
                    "comments": comments,
                    "copies": copies,
                    "hidden": int(views * 0.001),
                    "subscribed": max(0, grown) + int(views * 0.002),
                    "unsubscribed": int(views * 0.002),
                },
            }
        )
        cursor = stop
    return list(reversed(periods))


def stats_get_post_reach(call: Call):
    account = call.account_for_owner(None, write=True)
    ids = [i for i in call.params.get("post_ids", "").split(",") if i]
    if not ids or len(ids) > 30:
        raise VkError(100, "post_ids: 1 to 30 ids are allowed")
    result = []
    for post_id in ids:
        post = account.post(post_id)
        if post is None:
            raise VkError(100, f"post_ids: post {post_id} not found")
        figures = call.world.figures(account, post)
        reach = int(figures["views"] * 0.9)
        subscribers = int(reach * 0.7)
        result.append(
            {
                "post_id": post.id,
                "reach_total": reach,
                "reach_subscribers": subscribers,
                "reach_viral": reach - subscribers,
                "reach_ads": 0,
                "links": int(figures["views"] * 0.01) if post.link else 0,
                "to_group": int(figures["views"] * 0.02),
                "join_group": int(figures["views"] * 0.003),
                "unsubscribe": int(figures["views"] * 0.0005),
                "hide": int(figures["views"] * 0.001),
                "report": 0,
            }
        )
    return result


def groups_get_by_id(call: Call):
    world = call.world
    raw = call.params.get("group_ids") or call.params.get("group_id") or ""
    ids = [i for i in raw.split(",") if i]
    if not ids and call.token.kind == "community":
        ids = [str(world.accounts[call.token.subject].external_id)]
    groups = []
    for group_id in ids:
        account = world.by_external_id("vk", group_id.lstrip("-"))
        if account is None or account.kind != "community":
            raise VkError(100, "group_ids is undefined")
        group = {
            "id": account.external_id,
            "name": account.name,
            "screen_name": account.screen_name,
            "is_closed": 0,
            "type": "page",
            "is_admin": int(call.may_manage(account)),
            "photo_50": f"https://sun9-1.userapi.com/sandbox/{account.screen_name}_50.jpg",
        }
        if "members_count" in call.params.get("fields", ""):
            group["members_count"] = world.members(account)
        groups.append(group)
    return {"groups": groups, "profiles": []}


def users_get(call: Call):
    """Names of the readers the sandbox made write (messages and comments), as VK gives them
    to a community token; an id nobody used is a deleted page, as in VK."""
    raw = call.params.get("user_ids") or call.params.get("user_id") or ""
    ids = [i.strip() for i in raw.split(",") if i.strip()]
    if not ids:
        raise VkError(100, "user_ids is undefined")
    if len(ids) > 1000:
        raise VkError(100, "user_ids: too many ids")
    people = []
    for user_id in ids:
        if not user_id.lstrip("-").isdigit():
            raise VkError(100, f"user_ids: {user_id} is invalid")
        person = call.world.reader(int(user_id))
        if person is None:
            people.append(
                {
                    "id": int(user_id),
                    "first_name": "DELETED",
                    "last_name": "",
                    "deactivated": "deleted",
                }
            )
        else:
            people.append({"id": int(user_id), **person, "can_access_closed": True})
    return people


def keyboard_buttons(raw: str | None) -> list[dict]:
    """The buttons of a ``keyboard`` parameter, checked as VK checks them (error 911)."""
    if not raw:
        return []
    try:
        keyboard = json.loads(raw)
        rows = keyboard["buttons"]
    except (ValueError, KeyError, TypeError):
        raise VkError(911, "keyboard is not a JSON object with buttons") from None
    inline = bool(keyboard.get("inline"))
    if not isinstance(rows, list) or len(rows) > (6 if inline else 10):
        raise VkError(911, "too many rows")
    buttons = []
    for row in rows:
        if not isinstance(row, list) or not 1 <= len(row) <= (5 if inline else 4):
            raise VkError(911, "a row must hold 1 to 4 buttons")
        for button in row:
            action = (button or {}).get("action") or {}
            label = action.get("label", "")
            if not label or len(label) > 40:
                raise VkError(911, "label must be 1 to 40 characters")
            payload = action.get("payload", "")
            if payload:
                if len(payload) > 255:
                    raise VkError(911, "payload is longer than 255")
                try:
                    json.loads(payload)
                except ValueError:
                    raise VkError(911, "payload must be JSON") from None
            if action.get("type") == "callback":
                buttons.append({"label": label, "payload": payload, "url": ""})
            elif action.get("type") == "open_link":
                if not str(action.get("link", "")).startswith(("http://", "https://")):
                    raise VkError(911, "link must be an address")
                buttons.append({"label": label, "payload": "", "url": action["link"]})
            elif action.get("type") == "text":
                buttons.append({"label": label, "payload": payload, "url": "", "text": True})
            else:
                raise VkError(911, f"action type {action.get('type')!r} is not emulated")
    return buttons


def messages_send(call: Call):
    world = call.world
    account = world.accounts[call.token.subject]
    random_id = call.int("random_id")
    if random_id is None:
        raise VkError(100, "random_id is a required parameter")
    peer = call.int("peer_id") or call.int("user_id")
    if not peer:
        raise VkError(100, "peer_id is undefined")
    message = call.params.get("message", "")
    if not message and not call.params.get("attachment"):
        raise VkError(100, "message is empty")
    if len(message) > 9000:
        raise VkError(914)
    buttons = keyboard_buttons(call.params.get("keyboard"))
    dedup = f"{peer}:{random_id}"
    if random_id and dedup in account.sent:
        return account.sent[dedup]
    if not world.may_write(account, peer):
        raise VkError(901)
    sent = world.send_to_reader(account, peer, message, buttons, random_id=random_id)
    if random_id:
        account.sent[dedup] = sent["id"]
    return sent["id"]


def message_json(account, peer: str, message: dict) -> dict:
    incoming = bool(message.get("incoming"))
    item = {
        "id": message["id"],
        "date": int(message["date"]),
        "peer_id": int(peer),
        "from_id": int(peer) if incoming else -account.external_id,
        "out": 0 if incoming else 1,
        "text": message["text"],
        "conversation_message_id": message["id"],
        "attachments": [],
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
    }
    if not incoming:
        item["random_id"] = message.get("random_id", 0)
    if message.get("buttons"):
        item["keyboard"] = {
            "inline": True,
            "buttons": [[button_json(button)] for button in message["buttons"]],
        }
    return item


def button_json(button: dict) -> dict:
    if button.get("url"):
        return {"action": {"type": "open_link", "link": button["url"], "label": button["label"]}}
    kind = "text" if button.get("text") else "callback"
    return {"action": {"type": kind, "label": button["label"], "payload": button["payload"]}}


def messages_get_history(call: Call):
    """The dialog with one reader, newest first, as a community token reads it."""
    account = call.world.accounts[call.token.subject]
    peer = call.int("peer_id") or call.int("user_id")
    if not peer:
        raise VkError(100, "peer_id is undefined")
    count = max(0, min(call.int("count", 20), 200))
    offset = max(0, call.int("offset", 0))
    messages = account.dialogs.get(str(peer), [])
    newest = list(reversed(messages))[offset : offset + count]
    return {
        "count": len(messages),
        "items": [message_json(account, str(peer), message) for message in newest],
    }


def messages_send_message_event_answer(call: Call):
    account = call.world.accounts[call.token.subject]
    event_id = call.params.get("event_id", "")
    call.int("user_id", required=True)
    call.int("peer_id", required=True)
    if event_id not in account.callbacks:
        raise VkError(100, "event_id is invalid")
    if call.params.get("event_data"):
        try:
            json.loads(call.params["event_data"])
        except ValueError:
            raise VkError(100, "event_data must be JSON") from None
    account.callbacks[event_id] = True
    return 1


def messages_is_messages_from_group_allowed(call: Call):
    account = call.account_for_group(call.params.get("group_id"))
    user = call.int("user_id", required=True)
    return {"is_allowed": int(call.world.may_write(account, user))}


def groups_get_long_poll_server(call: Call):
    account = call.account_for_group(call.params.get("group_id"))
    key = derive(call.world.seed, "lp", account.key, call.world.next_id(), length=40)
    account.flags["lp_key"] = key
    return {
        "key": key,
        "server": f"{call.base()}vk/longpoll/{account.external_id}",
        "ts": str(account.event_seq),
    }


def groups_set_long_poll_settings(call: Call):
    """Which events Bots Long Poll gives: the sandbox, like a fresh community, gives only
    new messages and comments until the application asks for more."""
    account = call.account_for_group(call.params.get("group_id"))
    if call.params.get("enabled") == "0":
        account.flags["lp_events"] = []
        return 1
    chosen = [name for name in CALLBACK_EVENTS if call.params.get(name) in ("0", "1")]
    events = set(account.flags.get("lp_events") or LONG_POLL_DEFAULT)
    for name in chosen:
        (events.add if call.params[name] == "1" else events.discard)(name)
    account.flags["lp_events"] = sorted(events)
    return 1


def groups_get_callback_confirmation_code(call: Call):
    account = call.account_for_group(call.params.get("group_id"))
    return {"code": derive(call.world.seed, "confirm", account.key, length=8)}


def groups_add_callback_server(call: Call):
    account = call.account_for_group(call.params.get("group_id"))
    url = call.params.get("url", "")
    if not url.startswith(("http://", "https://")):
        raise VkError(100, "url is invalid")
    account.webhook = {
        "url": url,
        "secret": call.params.get("secret_key", ""),
        "server_id": 1,
        "status": "unconfigured",
        "title": call.params.get("title", ""),
    }
    call.request.app.state.delivery.confirm(account)
    return {"server_id": 1}


def groups_set_callback_settings(call: Call):
    account = call.account_for_group(call.params.get("group_id"))
    if not account.webhook or call.int("server_id", required=True) != account.webhook["server_id"]:
        raise VkError(100, "server_id is invalid")
    account.webhook["events"] = sorted(
        name for name in CALLBACK_EVENTS if call.params.get(name) == "1"
    )
    return 1


def groups_get_callback_servers(call: Call):
    account = call.account_for_group(call.params.get("group_id"))
    hook = account.webhook
    items = (
        []
        if not hook
        else [
            {
                "id": 1,
                "url": hook["url"],
                "status": hook["status"],
                "secret_key": hook["secret"],
                "title": hook["title"],
                "creator_id": 0,
            }
        ]
    )
    return {"count": len(items), "items": items}


def groups_delete_callback_server(call: Call):
    account = call.account_for_group(call.params.get("group_id"))
    account.webhook = None
    return 1
