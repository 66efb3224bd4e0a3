"""Counting the clicks of short links: which clicks count, and how they reach the database.

Nothing about the person is stored. A click counts unless its user agent is a known
crawler's (the maintained list of the ``crawler-user-agents`` package, with a few
link-preview agents of messengers added) or it repeats one counted within
``VITRINA_SHORTLINK_REPEAT_SECONDS``. A repeat is recognised by a digest of address, user
agent and code, keyed with a secret that changes every window; the digest lives only in
the cache and only for the window, so it cannot be linked to anyone afterwards.

Where the clicks go:

- With ``VITRINA_REDIS_URL`` set, a click is one ``HINCRBY`` of a pending hash in Redis
  (the redirect never waits for the database). The periodic job ``strategy.shortlinks``
  moves the hash aside under a new batch name (``RENAME``, atomic), adds its counts to the
  database in one transaction together with a ``ClickFlush`` row of the batch's name, and
  only then deletes the batch. A batch found again after a crash is applied unless its
  ``ClickFlush`` row exists, so no click is lost and none is counted twice.
- Without Redis (the embedded mode) each counted click is added to the database at once.
"""

import hashlib
import hmac
import time
import uuid
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from vitrina.core.client_address import client_address
from vitrina.strategy.models import ClickFlush, ShortLink, ShortLinkClicks

PENDING = "vitrina:shortlinks:pending"
BATCH = "vitrina:shortlinks:batch:"
SEEN = "vitrina:shortlinks:seen:"
# Messengers and networks fetching a preview of a posted link: not a reader's click.
PREVIEW_AGENTS = (
    "TelegramBot",
    "vkShare",
    "VKRobot",
    "OdklBot",
    "WhatsApp",
    "facebookexternalhit",
    "Twitterbot",
    "Slackbot",
    "Discordbot",
    "SkypeUriPreview",
    "MAX-Preview",
)

_clients: dict[str, object] = {}


def redis_client():
    """One connection pool per process and address, or None in the embedded mode."""
    url = settings.REDIS_URL
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        import redis  # only deployments with Redis load the client

        client = _clients[url] = redis.Redis.from_url(url)
    return client


def is_bot(user_agent: str) -> bool:
    if not user_agent.strip():
        return True  # no browser sends nothing
    if any(agent.lower() in user_agent.lower() for agent in PREVIEW_AGENTS):
        return True
    import crawleruseragents  # loaded by the first click, not by every process

    return crawleruseragents.is_crawler(user_agent)


def _window() -> int:
    return max(int(settings.SHORTLINK_REPEAT_SECONDS), 1)


@lru_cache(maxsize=4)
def _window_key(secret: str, window: int) -> bytes:
    return hmac.new(secret.encode(), f"shortlinks:{window}".encode(), hashlib.sha256).digest()


def _digest(code: str, address: str, user_agent: str, now: float, *, back: int = 0) -> str:
    """The click's digest under the key of its window (``back=1``: of the window before)."""
    key = _window_key(settings.SECRET_KEY, int(now // _window()) - back)
    message = f"{address}\n{user_agent}\n{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _seen_keys(code: str, address: str, user_agent: str, now: float) -> tuple[str, str]:
    """The keys of this click's digest in the window before and in this one. A click is a
    repeat when either is there: a repeat just after the key changed is still found, so
    every digest lives two windows at most."""
    return (
        SEEN + _digest(code, address, user_agent, now, back=1),
        SEEN + _digest(code, address, user_agent, now),
    )


def is_repeat(code: str, address: str, user_agent: str, *, now: float | None = None) -> bool:
    """Through the cache (the embedded mode)."""
    now = time.time() if now is None else now
    before, this = _seen_keys(code, address, user_agent, now)
    if cache.get(before) is not None:
        return True
    # add() is atomic: of two equal clicks at once, one counts.
    return not cache.add(this, 1, 2 * _window())


def _hour(now: float) -> datetime:
    return datetime.fromtimestamp(now - now % 3600, tz=UTC)


def add_counts(counts: dict[tuple[int, datetime], int]) -> None:
    """Add clicks to the stored counts (inside the caller's transaction)."""
    for (link_id, hour), count in counts.items():
        updated = ShortLinkClicks.objects.filter(link_id=link_id, hour=hour).update(
            count=F("count") + count
        )
        if updated:
            continue
        try:
            with transaction.atomic():
                ShortLinkClicks.objects.create(link_id=link_id, hour=hour, count=count)
        except IntegrityError:
            # Made by another click in the same instant: add to it.
            ShortLinkClicks.objects.filter(link_id=link_id, hour=hour).update(
                count=F("count") + count
            )


# In Redis, in one round trip and atomically: not a repeat → remember it and count it.
COUNT_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if not redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
return 1
"""
_scripts: dict[int, object] = {}


def click_count(
    *, link_id: int, code: str, address: str, user_agent: str, now: float | None = None
) -> bool:
    """Count one click of a link unless it is a crawler's or a repeat. True if counted."""
    now = time.time() if now is None else now
    user_agent = user_agent[:500]
    if is_bot(user_agent):
        return False
    hour = int(now - now % 3600)
    client = redis_client()
    if client is not None:
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts[id(client)] = client.register_script(COUNT_SCRIPT)
        before, this = _seen_keys(code, address, user_agent, now)
        keys = [before, this, PENDING]
        return bool(script(keys=keys, args=[2 * _window(), f"{link_id}:{hour}"]))
    if is_repeat(code, address, user_agent, now=now):
        return False
    with transaction.atomic():
        add_counts({(link_id, _hour(now)): 1})
    return True


def click_record(*, link_id: int, code: str, request, now: float | None = None) -> bool:
    """``click_count`` for a request (the reader's address as ``core.client_address`` finds
    it behind the trusted proxies)."""
    return click_count(
        link_id=link_id,
        code=code,
        address=client_address(request) or "",
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        now=now,
    )


def _apply(client, batch_key: str) -> int:
    batch = batch_key.removeprefix(BATCH)
    raw = client.hgetall(batch_key)
    counts: dict[tuple[int, datetime], int] = {}
    for field, value in raw.items():
        link_id, hour = field.decode().split(":")
        key = (int(link_id), datetime.fromtimestamp(int(hour), tz=UTC))
        counts[key] = counts.get(key, 0) + int(value)
    total = sum(counts.values())
    # The counts and the batch's row commit together; a second run of the same batch
    # finds the row (or fails on its unique name) and adds nothing.
    with transaction.atomic():
        if not ClickFlush.objects.filter(batch=batch).exists():
            # A link deleted since its clicks were buffered: its clicks go with it.
            alive = set(
                ShortLink.objects.filter(pk__in={key[0] for key in counts}).values_list(
                    "pk", flat=True
                )
            )
            add_counts({key: count for key, count in counts.items() if key[0] in alive})
            ClickFlush.objects.create(batch=batch, clicks=total)
    client.delete(batch_key)
    return total


def clicks_flush(context=None) -> int:
    """Move the clicks buffered in Redis to the database; the number moved."""
    client = redis_client()
    if client is None:
        return 0
    moved = 0
    # First a batch left by a run that stopped half-way (applied once, whatever happened).
    for leftover in client.scan_iter(match=BATCH + "*"):
        moved += _apply(client, leftover.decode())
    batch_key = BATCH + uuid.uuid4().hex
    try:
        client.rename(PENDING, batch_key)
    except Exception as error:  # redis answers "no such key" when nothing is pending
        if "no such key" not in str(error).lower():
            raise
        return moved
    return moved + _apply(client, batch_key)


def pending_clicks() -> int:
    """Clicks counted but not yet in the database (0 in the embedded mode)."""
    client = redis_client()
    if client is None:
        return 0
    total = sum(int(value) for value in client.hvals(PENDING))
    for key in client.scan_iter(match=BATCH + "*"):
        total += sum(int(value) for value in client.hvals(key))
    return total
