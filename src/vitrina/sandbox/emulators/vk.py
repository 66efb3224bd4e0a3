"""VK API emulation: ``/vk/method/<name>``, the photo upload server, Bots Long Poll and the
Callback API, with VK's token kinds, rate limits and the 50-posts-a-day cap."""

import json

from starlette.requests import Request
from starlette.routing import Route

from ..common import Json, apply_faults, lost_answer, read_params, world_of
from ..dynamics import DAY, unit
from ..networks import Emulator, register
from ..state import Token, derive

VERSION = "5.199"

MESSAGES = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    9: "Flood control",
    10: "Internal server error",
    14: "Captcha needed",
    15: "Access denied",
    17: "Validation required: please open redirect_uri in browser",
    27: "Group authorization failed: method is unavailable with group auth.",
    29: "Rate limit reached",
    100: "One of the parameters specified was missing or invalid",
    203: "Access to group denied",
    210: "Access to wall's post denied",
    212: "Access to post comments denied",
    213: "Access to status replies denied",
    214: "Access to adding post denied",
    219: "Advertisement post was recently added",
    222: "Hyperlinks are forbidden",
    250: "Access to poll denied",
    251: "Invalid poll id",
    901: "Can't send messages for users without permission",
    902: "Can't send messages to this user due to their privacy settings",
    914: "Message is too long",
}

USER_ONLY = {
    "wall.post",
    "photos.getWallUploadServer",
    "photos.saveWallPhoto",
    "stats.get",
    "stats.getPostReach",
    "polls.create",
}
COMMUNITY_ONLY = {
    "messages.send",
    "groups.getLongPollServer",
    "groups.getCallbackConfirmationCode",
    "groups.addCallbackServer",
    "groups.setCallbackSettings",
    "groups.deleteCallbackServer",
    "groups.getCallbackServers",
}


class VkError(Exception):
    def __init__(self, code: int, detail: str = "", **extra):
        message = MESSAGES.get(code, "Unknown error occurred")
        self.code, self.message = code, f"{message}: {detail}" if detail else message
        self.extra = extra


class Call:
    def __init__(self, request: Request, world, token, params: dict, files: dict):
        self.request, self.world, self.token = request, world, token
        self.params, self.files = params, files

    def base(self) -> str:
        return str(self.request.base_url)

    def int(self, name: str, default=None, required=False) -> int | None:
        value = self.params.get(name)
        if value in (None, ""):
            if required:
                raise VkError(100, f"{name} is undefined")
            return default
        try:
            return int(value)
        except ValueError:
            raise VkError(100, f"{name} not integer") from None

    def account_for_group(self, group_id) -> object:
        """The community this call acts on, checking the token may touch it."""
        if self.token.kind == "community" and group_id in (None, ""):
            return self.world.accounts[self.token.subject]
        account = self.world.by_external_id("vk", str(group_id).lstrip("-"))
        if account is None or account.kind != "community":
            raise VkError(100, "group_id is invalid")
        if not self.may_manage(account):
            raise VkError(203)
        return account

    def account_for_owner(self, owner_id, write=True):
        owner_id = self.int("owner_id", owner_id)
        if owner_id is None:
            if self.token.kind == "community":
                return self.world.accounts[self.token.subject]
            owner_id = int(self.token.subject)
        account = self.world.by_external_id("vk", abs(owner_id))
        if account is None or (owner_id < 0) != (account.kind == "community"):
            raise VkError(100, "owner_id is invalid")
        if write and not self.may_manage(account):
            raise VkError(214 if owner_id < 0 else 15)
        return account

    def may_manage(self, account) -> bool:
        if self.token.kind == "community":
            return self.token.subject == account.key
        return str(account.admin_user_id or account.external_id) == self.token.subject


def owner_of(account) -> int:
    return -account.external_id if account.kind == "community" else account.external_id


def photo_json(world, photo: dict) -> dict:
    url = f"https://sun9-1.userapi.com/sandbox/{photo['owner_id']}_{photo['id']}.jpg"
    return {
        "id": photo["id"],
        "album_id": -14,
        "owner_id": photo["owner_id"],
        "date": int(photo.get("date", 0)),
        "text": photo.get("alt", ""),
        "sizes": [
            {"type": "s", "url": url, "width": 75, "height": 56},
            {"type": "x", "url": url, "width": 604, "height": 453},
        ],
    }


def poll_json(world, poll: dict, views: int = 0) -> dict:
    total = int(views * 0.04)
    shares = [unit(world.seed, "poll", poll["id"], i) + 0.2 for i in range(len(poll["answers"]))]
    weight = sum(shares) or 1
    answers = []
    for answer, share in zip(poll["answers"], shares, strict=True):
        votes = int(total * share / weight)
        rate = round(100 * votes / total, 2) if total else 0.0
        answers.append({"id": answer["id"], "text": answer["text"], "votes": votes, "rate": rate})
    return {
        "id": poll["id"],
        "owner_id": poll["owner_id"],
        "created": int(poll["created"]),
        "question": poll["question"],
        "votes": total,
        "answers": answers,
        "anonymous": poll["anonymous"],
        "multiple": poll["multiple"],
        "end_date": poll["end_date"],
        "closed": False,
        "can_vote": True,
    }


def post_json(world, account, post) -> dict:
    figures = world.figures(account, post)
    owner = owner_of(account)
    attachments = [{"type": "photo", "photo": photo_json(world, p)} for p in post.photos]
    if post.poll:
        poll = world.polls.get(post.poll.get("id")) if "id" in post.poll else None
        if poll:
            attachments.append({"type": "poll", "poll": poll_json(world, poll, figures["views"])})
    if post.link:
        attachments.append({"type": "link", "link": {"url": post.link, "title": post.link}})
    return {
        "id": post.id,
        "owner_id": owner,
        "from_id": owner if post.extra.get("from_group", True) else int(account.tokens["user_id"]),
        "date": int(post.date),
        "text": post.text,
        "attachments": attachments,
        "is_pinned": 0,
        "post_type": "post",
        "marked_as_ads": 0,
        "comments": {"count": figures["comments"], "can_post": 1},
        "likes": {"count": figures["likes"]},
        "reposts": {"count": figures["reposts"]},
        "views": {"count": figures["views"]},
    }


# Methods


def wall_post(call: Call):
    world, params = call.world, call.params
    account = call.account_for_owner(None)
    guid = params.get("guid") or None
    if guid and guid in account.guids:
        return {"post_id": account.guids[guid]}
    message = params.get("message", "")
    attachments = [a for a in params.get("attachments", "").split(",") if a]
    if not message and not attachments:
        raise VkError(100, "message is empty or invalid")
    if len(message) > 16384:
        raise VkError(100, "message is too long")
    if len(attachments) > 10:
        raise VkError(100, "attachments: too many attachments")
    links = [a for a in attachments if a.startswith("http")]
    if (links or "http://" in message or "https://" in message) and account.flags.get(
        "links_forbidden"
    ):
        raise VkError(222)
    photos, poll = [], None
    for attachment in attachments:
        if attachment.startswith("photo"):
            photo = world.photos.get(attachment[len("photo") :])
            if photo is None:
                raise VkError(100, f"attachments: photo {attachment} not found")
            photos.append(photo)
        elif attachment.startswith("poll"):
            _, _, poll_id = attachment[len("poll") :].partition("_")
            found = world.polls.get(int(poll_id)) if poll_id.isdigit() else None
            if found is None:
                raise VkError(251)
            if found["owner_id"] != owner_of(account):
                raise VkError(250)
            poll = {"id": found["id"], "question": found["question"]}
        elif not attachment.startswith("http"):
            raise VkError(100, f"attachments: {attachment} is invalid")
    limited = world.settings.enforce_limits and account.kind == "community"
    if limited and world.posts_today(account) >= world.settings.vk_daily_posts:
        raise VkError(214, "a community can publish only 50 posts a day")
    last = account.posts[-1] if account.posts else None
    if (
        last
        and not guid
        and message
        and last.text == message
        and world.now() - last.date < 10
        and world.settings.enforce_limits
    ):
        raise VkError(9, "too many identical posts")
    post = world.add_post(
        account,
        text=message,
        photos=photos,
        poll=poll,
        link=links[0] if links else None,
        guid=guid,
        extra={"from_group": params.get("from_group", "0") == "1" or account.kind != "community"},
    )
    publish_date = call.int("publish_date")
    if publish_date and publish_date > world.now():
        post.date = float(publish_date)
    if guid:
        account.guids[guid] = post.id
    return {"post_id": post.id}


def wall_get(call: Call):
    account = call.account_for_owner(None, write=False)
    call.world.catch_up(account)
    count = min(call.int("count", 20), 100)
    offset = call.int("offset", 0)
    now = call.world.now()
    posts = [p for p in reversed(account.live_posts()) if p.date <= now]
    items = [post_json(call.world, account, p) for p in posts[offset : offset + count]]
    return {"count": len(posts), "items": items}


def wall_get_by_id(call: Call):
    items = []
    for ref in filter(None, call.params.get("posts", "").split(",")):
        owner, _, post_id = ref.partition("_")
        account = call.world.by_external_id("vk", owner.lstrip("-"))
        post = account.post(post_id) if account and post_id.isdigit() else None
        if post is not None and post.date <= call.world.now():
            items.append(post_json(call.world, account, post))
    return {"items": items}


def wall_delete(call: Call):
    account = call.account_for_owner(None)
    post = account.post(call.int("post_id", required=True))
    if post is None:
        raise VkError(210)
    post.deleted = True
    return 1


def wall_get_comments(call: Call):
    account = call.account_for_owner(None, write=False)
    call.world.catch_up(account)
    post = account.post(call.int("post_id", required=True))
    if post is None:
        raise VkError(100, "post_id is invalid")
    if account.flags.get("comments_closed"):
        raise VkError(212)
    count = min(call.int("count", 10), 100)
    offset = call.int("offset", 0)
    ordered = post.comments if call.params.get("sort", "asc") == "asc" else post.comments[::-1]
    items = [
        {
            "id": c["id"],
            "from_id": c["reader_id"],
            "date": int(c["date"]),
            "text": c["text"],
            "post_id": post.id,
            "owner_id": owner_of(account),
            "parents_stack": [c["reply_to"]] if c.get("reply_to") else [],
            "thread": {"count": 0, "items": []},
        }
        for c in ordered[offset : offset + count]
    ]
    profiles = [
        {"id": c["reader_id"], "first_name": c["first_name"], "last_name": c["last_name"]}
        for c in ordered[offset : offset + count]
    ]
    return {
        "count": len(post.comments),
        "items": items,
        "current_level_count": len(post.comments),
        "can_post": 1,
        "profiles": profiles if call.params.get("extended") == "1" else [],
    }


def wall_create_comment(call: Call):
    account = call.account_for_owner(None)
    post = account.post(call.int("post_id", required=True))
    if post is None:
        raise VkError(100, "post_id is invalid")
    if account.flags.get("comments_closed"):
        raise VkError(213)
    message = call.params.get("message", "")
    if not message:
        raise VkError(100, "message is empty")
    account.comment_seq += 1
    reply_to = call.int("reply_to_comment")
    comment = {
        "id": account.comment_seq,
        "reader_id": owner_of(account),
        "first_name": account.name,
        "last_name": "",
        "date": call.world.now(),
        "text": message,
        "by_owner": True,
        "reply_to": reply_to,
    }
    post.comments.append(comment)
    return {"comment_id": comment["id"], "parents_stack": [reply_to] if reply_to else []}


def photos_get_wall_upload_server(call: Call):
    group_id = call.params.get("group_id")
    if group_id:
        account = call.account_for_group(group_id)
    else:
        account = call.account_for_owner(int(call.token.subject))
    key = str(830000 + call.world.next_id())
    call.world.uploads[key] = {"account": account.key, "network": "vk", "files": []}
    return {
        "upload_url": f"{call.base()}vk/upload/{key}",
        "album_id": -14,
        "user_id": int(call.token.subject),
    }


def photos_save_wall_photo(call: Call):
    group_id = call.params.get("group_id")
    account = (
        call.account_for_group(group_id)
        if group_id
        else call.account_for_owner(int(call.token.subject))
    )
    try:
        uploaded = json.loads(call.params.get("photo", "") or "[]")
    except ValueError:
        uploaded = []
    upload = call.world.uploads.get(str(call.params.get("server", "")))
    expected = derive(call.world.seed, "vk-hash", call.params.get("server", ""), length=32)
    if not uploaded or upload is None or call.params.get("hash") != expected:
        raise VkError(100, "photos_list is invalid")
    if upload["account"] != account.key:
        raise VkError(100, "photo was uploaded for another wall")
    saved = []
    for item in upload["files"]:
        photo_id = 457239017 + call.world.next_id()
        photo = {
            "id": photo_id,
            "owner_id": owner_of(account),
            "filename": item["filename"],
            "size": item["size"],
            "date": call.world.now(),
            "alt": call.params.get("caption", ""),
        }
        call.world.photos[f"{photo['owner_id']}_{photo_id}"] = photo
        saved.append(photo_json(call.world, photo))
    del call.world.uploads[str(call.params["server"])]
    return saved


def polls_create(call: Call):
    params = call.params
    owner_id = call.int("owner_id")
    account = call.account_for_owner(owner_id) if owner_id else None
    question = params.get("question", "").strip()
    if not question or len(question) > 255:
        raise VkError(100, "question is invalid")
    try:
        answers = json.loads(params.get("add_answers", "[]"))
    except ValueError:
        raise VkError(100, "add_answers is invalid") from None
    if not isinstance(answers, list) or not 1 <= len(answers) <= 10:
        raise VkError(100, "add_answers: 1 to 10 answers are allowed")
    poll_id = 700000000 + call.world.next_id()
    poll = {
        "id": poll_id,
        "owner_id": owner_of(account) if account else int(call.token.subject),
        "created": call.world.now(),
        "question": question,
        "answers": [{"id": poll_id * 10 + i, "text": str(t)} for i, t in enumerate(answers)],
        "anonymous": params.get("is_anonymous", "0") == "1",
        "multiple": params.get("is_multiple", "0") == "1",
        "end_date": call.int("end_date", 0),
    }
    call.world.polls[poll_id] = poll
    return poll_json(call.world, poll)


def _period_start(moment: float) -> float:
    return moment - (moment % DAY)


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


def messages_send(call: Call):
    account = call.world.accounts[call.token.subject]
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
    dedup = f"{peer}:{random_id}"
    if random_id and dedup in account.sent:
        return account.sent[dedup]
    dialog = account.dialogs.get(str(peer))
    if not dialog:
        raise VkError(901)
    account.message_seq += 1
    dialog.append(
        {"id": account.message_seq, "date": call.world.now(), "text": message, "incoming": False}
    )
    if random_id:
        account.sent[dedup] = account.message_seq
    return account.message_seq


def groups_get_long_poll_server(call: Call):
    account = call.account_for_group(call.params.get("group_id"))
    key = derive(call.world.seed, "lp", account.key, call.world.next_id(), length=40)
    account.flags["lp_key"] = key
    return {
        "key": key,
        "server": f"{call.base()}vk/longpoll/{account.external_id}",
        "ts": str(account.event_seq),
    }


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
        name for name in ("message_new", "wall_reply_new") if call.params.get(name) == "1"
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
    "users.get": users_get,
    "groups.getLongPollServer": groups_get_long_poll_server,
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
            "updates": [event_json(world, account, e) for e in events],
        }
    )


def event_json(world, account, event: dict) -> dict:
    group_id = account.external_id
    if event["kind"] == "message":
        message = event["message"]
        obj = {
            "message": {
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
            },
            "client_info": {
                "button_actions": ["text"],
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


def callback_body(world, account, event: dict) -> dict:
    body = event_json(world, account, event)
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
