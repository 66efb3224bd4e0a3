"""Odnoklassniki API emulation: ``/ok/fb.do`` (and ``/ok/api/<method>``) with OK's request
signature, errors in the ``invocation-error`` header and body, photo upload and group
statistics. OK publishes no rate limits, so the flood and daily limits are settings."""

import hashlib
import json

from starlette.requests import Request
from starlette.routing import Route

from ..common import Json, apply_faults, lost_answer, read_params, world_of
from ..dynamics import DAY, unit
from ..networks import Emulator, register
from ..state import Token, derive

MESSAGES = {
    1: "UNKNOWN : Unknown error",
    2: "SERVICE : Service temporary unavailable",
    3: "METHOD : Method does not exist",
    4: "REQUEST : Request is not valid",
    7: "NOT_ACTIVATED : Action is blocked",
    8: "FLOOD_BLOCKED : Too many requests",
    9: "IP_BLOCKED : IP address is blocked",
    10: "PERMISSION_DENIED : Permission denied",
    11: "LIMIT_REACHED : Limit reached",
    50: "NOT_GROUP_ADMIN : User is not a group administrator",
    100: "PARAM : Missing or invalid parameter",
    102: "PARAM_SESSION_EXPIRED : Session expired",
    103: "PARAM_SESSION_KEY : Invalid session key",
    104: "PARAM_SIGNATURE : Invalid signature",
}


class OkError(Exception):
    def __init__(self, code: int, detail: str = ""):
        self.code = code
        self.message = f"{MESSAGES[code]}: {detail}" if detail else MESSAGES[code]


def fail(code: int, message: str | None = None) -> Json:
    body = {
        "error_code": code,
        "error_msg": message or MESSAGES.get(code, MESSAGES[1]),
        "error_data": None,
    }
    return Json(body, headers={"invocation-error": str(code)})


def signature(params: dict, access_token: str, secret: str) -> str:
    """OK's documented request signature (see reference/networks.md)."""
    joined = "".join(
        f"{k}={v}"
        for k, v in sorted(params.items())
        if k not in ("sig", "access_token", "session_key")
    )
    session_secret = hashlib.md5((access_token + secret).encode()).hexdigest()  # noqa: S324
    return hashlib.md5((joined + session_secret).encode()).hexdigest().lower()  # noqa: S324


class Call:
    def __init__(self, request, world, token, params, files):
        self.request, self.world, self.token = request, world, token
        self.params, self.files = params, files

    def account(self, name="gid"):
        """The group (or the user's own profile when no group is given) the call acts on."""
        value = self.params.get(name) or self.params.get("group_id")
        if not value:
            account = self.world.by_external_id("ok", self.token.subject)
            if account is None:
                raise OkError(100, f"{name} is required")
            return account
        account = self.world.by_external_id("ok", value)
        if account is None:
            raise OkError(100, f"{name}: group {value} not found")
        if str(account.admin_user_id or account.external_id) != self.token.subject:
            raise OkError(50)
        return account


def topic_json(world, account, post) -> dict:
    figures = world.figures(account, post)
    media = []
    if post.text:
        media.append({"type": "text", "text": post.text})
    if post.link:
        media.append({"type": "link", "url": post.link})
    if post.photos:
        media.append(
            {"type": "photo", "photo_refs": [f"group_photo:{p['id']}" for p in post.photos]}
        )
    if post.poll:
        media.append({"type": "poll", "poll_ref": f"poll:{post.poll['id']}"})
    return {
        "id": str(post.id),
        "created_ms": int(post.date * 1000),
        "author_ref": f"group:{account.external_id}"
        if account.kind == "group"
        else f"user:{account.external_id}",
        "media": media,
        "like_summary": {"count": figures["likes"]},
        "reshare_summary": {"count": figures["reposts"]},
        "discussion_summary": {"comments_count": figures["comments"]},
        "views_count": figures["views"],
    }


def mediatopic_post(call: Call):
    world = call.world
    kind = call.params.get("type", "")
    if kind not in ("GROUP_THEME", "USER"):
        raise OkError(100, "type must be GROUP_THEME or USER")
    account = call.account("gid") if kind == "GROUP_THEME" else call.account("uid")
    if kind == "GROUP_THEME" and account.kind != "group":
        raise OkError(100, "gid is not a group")
    if "GROUP_CONTENT" not in call.token.scope and kind == "GROUP_THEME":
        raise OkError(10, "GROUP_CONTENT permission is required")
    try:
        attachment = json.loads(call.params.get("attachment", ""))
        media = attachment["media"]
    except (ValueError, KeyError, TypeError):
        raise OkError(100, "attachment is not a valid JSON with media") from None
    text, link, poll, photos = "", None, None, []
    for item in media:
        kind_ = item.get("type")
        if kind_ == "text":
            text += item.get("text", "")
        elif kind_ == "link":
            link = item.get("url")
        elif kind_ == "poll":
            answers = [a.get("text", "") for a in item.get("answers", [])]
            if not item.get("question") or len(answers) < 2:
                raise OkError(100, "poll needs a question and at least two answers")
            poll = {
                "id": 800000000 + world.next_id(),
                "question": item["question"],
                "answers": answers,
            }
        elif kind_ == "photo":
            for ref in item.get("list", []):
                photo = world.photos.get(ref.get("id", ""))
                if photo is None:
                    raise OkError(100, f"photo token {ref.get('id')} is invalid")
                photos.append(photo)
        else:
            raise OkError(100, f"unsupported media type {kind_}")
    if not (text or link or poll or photos):
        raise OkError(100, "attachment is empty")
    if (
        world.settings.enforce_limits
        and world.posts_today(account) >= world.settings.ok_daily_topics
    ):
        raise OkError(11, "daily limit of topics reached")
    post = world.add_post(account, text=text, link=link, poll=poll, photos=photos)
    post.id = int(f"15{account.external_id % 10**6:06d}{post.id:07d}")
    return str(post.id)


def mediatopic_get_topics(call: Call):
    """Newest first; ``anchor`` (from the previous answer) with ``direction=FORWARD`` goes on
    to older topics. The anchor is opaque to clients: here, the last topic's time and id."""
    account = call.account("gid") if call.params.get("gid") else call.account("uid")
    # Readers' comments up to now, so each topic's comment count is current.
    call.world.catch_up(account)
    count = max(1, min(int(call.params.get("count", 20) or 20), 100))
    posts = list(reversed(account.live_posts()))
    anchor = call.params.get("anchor")
    if anchor:
        if call.params.get("direction", "FORWARD") != "FORWARD":
            raise OkError(100, "direction: only FORWARD is supported")
        try:
            after = tuple(int(part) for part in anchor.split(":"))
        except ValueError:
            raise OkError(100, "anchor is invalid") from None
        posts = [post for post in posts if (int(post.date * 1000), post.id) < after]
    page = posts[:count]
    return {
        "media_topics": [topic_json(call.world, account, p) for p in page],
        "anchor": f"{int(page[-1].date * 1000)}:{page[-1].id}" if page else anchor or "",
        "has_more": len(posts) > count,
    }


def mediatopic_delete(call: Call):
    account = call.account("gid")
    post = account.post(call.params.get("topic_id", ""))
    if post is None:
        raise OkError(100, "topic_id is invalid")
    post.deleted = True
    return True


def photos_get_upload_url(call: Call):
    account = call.account("gid")
    count = max(1, min(int(call.params.get("count", 1) or 1), 10))
    key = derive(call.world.seed, "ok-upload", call.world.next_id(), length=24)
    ids = [derive(call.world.seed, key, i, length=20) for i in range(count)]
    call.world.uploads[key] = {"account": account.key, "network": "ok", "ids": ids}
    return {
        "upload_url": f"{call.request.base_url}ok/upload/{key}",
        "photo_ids": ids,
        "expires_ms": int((call.world.now() + 86400) * 1000),
    }


def group_get_counters(call: Call):
    account = call.account("group_id")
    counters = {
        "members": call.world.members(account),
        "themes": len(account.live_posts()),
        "photos": sum(len(p.photos) for p in account.live_posts()),
    }
    wanted = [c.strip() for c in call.params.get("counterTypes", "members").lower().split(",")]
    return {"counters": {k: v for k, v in counters.items() if k in wanted or not wanted}}


def group_get_stat_topics(call: Call):
    account = call.account("gid")
    topics = []
    posts = account.live_posts()[-100:]
    if call.params.get("topic_ids"):
        wanted = set(call.params["topic_ids"].split(","))
        posts = [post for post in account.live_posts() if str(post.id) in wanted]
    for post in reversed(posts):
        figures = call.world.figures(account, post)
        topics.append(
            {
                "id": str(post.id),
                "created_ms": int(post.date * 1000),
                "reach": int(figures["views"] * 0.85),
                "engagement": figures["likes"] + figures["comments"] + figures["reposts"],
                "likes": figures["likes"],
                "comments": figures["comments"],
                "reshares": figures["reposts"],
                "views": figures["views"],
            }
        )
    return {"topics": topics}


def _series(call: Call, account, start: float, end: float) -> dict:
    world = call.world
    series = {"reach": [], "engagement": [], "members_count": [], "members_diff": []}
    cursor = start - start % DAY
    while cursor < end:
        stop = min(cursor + DAY, end)
        views = engagement = 0
        for post in account.live_posts():
            if post.date >= stop:
                continue
            before, after = world.figures(account, post, cursor), world.figures(account, post, stop)
            views += after["views"] - before["views"]
            engagement += sum(after[k] - before[k] for k in ("likes", "comments", "reposts"))
        stamp = int(cursor * 1000)
        series["reach"].append({"time": stamp, "value": int(views * 0.85)})
        series["engagement"].append({"time": stamp, "value": engagement})
        series["members_count"].append({"time": stamp, "value": world.members(account, stop)})
        diff = world.members(account, stop) - world.members(account, cursor)
        series["members_diff"].append({"time": stamp, "value": diff})
        cursor = stop
    return series


def group_get_stat_trends(call: Call):
    account = call.account("gid")
    now = call.world.now()
    start = float(call.params.get("start_time", 0) or 0) / 1000 or now - 7 * DAY
    end = min(float(call.params.get("end_time", 0) or 0) / 1000 or now, now)
    return _series(call, account, start, end)


def group_get_stat_overview(call: Call):
    account = call.account("gid")
    now = call.world.now()
    series = _series(call, account, now - 7 * DAY, now)
    return {
        "reach": sum(p["value"] for p in series["reach"]),
        "engagement": sum(p["value"] for p in series["engagement"]),
        "members_count": call.world.members(account),
        "members_diff": sum(p["value"] for p in series["members_diff"]),
    }


def discussions_get_comments(call: Call):
    account = call.account("gid")
    call.world.catch_up(account)
    post = account.post(call.params.get("discussionId", ""))
    if post is None:
        raise OkError(100, "discussionId is invalid")
    count = max(1, min(int(call.params.get("count", 100) or 100), 100))
    comments = post.comments[-count:]
    return {
        "comments": [
            {
                "id": str(c["id"]),
                "author_id": str(c["reader_id"]),
                "author_name": f"{c['first_name']} {c['last_name']}".strip(),
                "text": c["text"],
                "date_ms": int(c["date"] * 1000),
                "reply_to_comment_id": str(c["reply_to"]) if c.get("reply_to") else None,
            }
            for c in comments
        ],
        "totalCount": len(post.comments),
    }


def discussions_add_comment(call: Call):
    account = call.account("gid")
    post = account.post(call.params.get("discussionId", ""))
    if post is None:
        raise OkError(100, "discussionId is invalid")
    text = call.params.get("text", "")
    if not text:
        raise OkError(100, "text is required")
    account.comment_seq += 1
    post.comments.append(
        {
            "id": account.comment_seq,
            "reader_id": account.external_id,
            "first_name": account.name,
            "last_name": "",
            "date": call.world.now(),
            "text": text,
            "by_owner": True,
            "reply_to": call.params.get("replyToCommentId"),
        }
    )
    return str(account.comment_seq)


def users_get_current_user(call: Call):
    return {"uid": call.token.subject, "name": "Администратор", "locale": "ru"}


METHODS = {
    "mediatopic.post": mediatopic_post,
    "mediatopic.getTopics": mediatopic_get_topics,
    "mediatopic.deleteTopic": mediatopic_delete,
    "photosV2.getUploadUrl": photos_get_upload_url,
    "group.getCounters": group_get_counters,
    "group.getStatTopics": group_get_stat_topics,
    "group.getStatTrends": group_get_stat_trends,
    "group.getStatOverview": group_get_stat_overview,
    "discussions.getDiscussionComments": discussions_get_comments,
    "discussions.addDiscussionComment": discussions_add_comment,
    "users.getCurrentUser": users_get_current_user,
}


async def method(request: Request):
    world = world_of(request)
    params, files = await read_params(request)
    name = request.path_params.get("name") or params.get("method", "")
    if "name" in request.path_params:
        name = name.replace("/", ".")
    decision = await apply_faults(request, "ok", name)
    if decision.action == "timeout":
        return lost_answer()
    if decision.action == "error":
        return fail(int(decision.fault.error or 2))
    if params.get("application_key") != world.ok_app["application_key"]:
        return fail(
            101 if params.get("application_key") else 100,
            "PARAM_API_KEY : Application key is unknown",
        )
    access = params.get("access_token") or params.get("session_key", "")
    token, problem = world.token(access)
    if token is None or token.network != "ok":
        return fail(102 if problem == "expired" else 103)
    signed = dict(params.items())
    if "name" in request.path_params:
        signed.setdefault("method", name)
    if params.get("sig", "").lower() != signature(signed, access, world.ok_app["secret"]):
        return fail(104)
    handler = METHODS.get(name)
    if handler is None:
        return fail(3)
    if world.throttle(("ok", token.value), world.settings.ok_rps):
        world.refused("ok")
        return fail(8)
    try:
        result = handler(Call(request, world, token, params, files))
    except OkError as exc:
        return fail(exc.code, exc.message)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return fail(100, f"{MESSAGES[100]}: {exc}")
    if decision.action == "drop":
        return lost_answer()
    return Json(result)


async def upload(request: Request):
    world = world_of(request)
    upload = world.uploads.pop(request.path_params["key"], None)
    _, files = await read_params(request)
    if upload is None:
        return fail(100, "PARAM : upload url is invalid or used")
    photos = {}
    for photo_id, (name, content) in zip(upload["ids"], files.values(), strict=False):
        token = derive(world.seed, "ok-photo", photo_id, length=48)
        world.photos[token] = {"id": token, "filename": name, "size": len(content)}
        photos[photo_id] = {"token": token}
    return Json({"photos": photos})


routes = [
    Route("/ok/fb.do", method, methods=["GET", "POST"]),
    Route("/ok/api/{name:path}", method, methods=["GET", "POST"]),
    Route("/ok/upload/{key}", upload, methods=["POST"]),
]


@register
class OkEmulator(Emulator):
    network = "ok"
    title = "Одноклассники"
    path = "/ok"
    routes = routes
    default_kind = "group"
    profile_url = "https://ok.ru/{screen_name}"
    demo_tokens = {"access_token": "user_token"}

    def new_external_id(self, number: int) -> int:
        return 70000002000000 + number * 7919

    def admin_user_id(self, seed: int, account) -> int | None:
        if account.kind != "group":
            return None
        return 570000000000 + int(unit(seed, account.key) * 1e9)

    def issue_tokens(self, world, account) -> None:
        user_id = account.admin_user_id or account.external_id
        access = "tkn1" + derive(world.seed, "ok-access", user_id, length=60)
        world.tokens[access] = Token(access, "ok", "access", str(user_id), scope="GROUP_CONTENT")
        account.tokens.update(
            access_token=access,
            application_key=world.ok_app["application_key"],
            application_secret_key=world.ok_app["secret"],
            user_id=str(user_id),
        )
