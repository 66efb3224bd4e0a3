"""Emulated VK wall, photo and poll methods: posting (with ``guid`` and the daily cap), reading
the wall and its comments, uploading wall photos, creating polls."""

import json

from ...dynamics import unit
from ...state import derive
from .calls import Call, VkError, owner_of


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
