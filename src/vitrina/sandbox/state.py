"""The sandbox's world: accounts, tokens, posts, readers' events and the clock.

Everything lives in memory and is touched only from the server's event loop, so no locks are
needed. The clock is real time plus an offset that tests move forward instead of sleeping.
"""

import asyncio
import contextlib
import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import dynamics
from .accounts import DEFAULT_ACCOUNTS
from .library_systems.koha_data import KohaData
from .networks import emulator

# Admins of the default VK and OK accounts log in as these users.
# The emulated OK application (fixed, so the demo's settings can name it).
OK_APP = {
    "client_id": "512000000001",
    "application_key": "CBAKLMNOPABCDEFGH",
    "secret": "5A4D3C2B1A0F9E8D7C6B5A4938271605",
}


@dataclass
class Settings:
    """Knobs of the emulation; the OK figures are not published by OK, hence configurable."""

    enforce_limits: bool = True
    vk_daily_posts: int = 50
    vk_user_rps: float = 3.0
    vk_community_rps: float = 20.0
    ok_rps: float = 5.0
    ok_daily_topics: int = 100
    telegram_chat_rps: float = 1.0
    telegram_chat_burst: int = 3
    telegram_bot_rps: float = 30.0
    max_chat_rps: float = 2.0
    max_rps: float = 30.0
    max_processing_seconds: float = 0.3
    readers: bool = True
    longpoll_max_wait: float = 25.0


@dataclass
class Token:
    value: str
    network: str
    kind: str  # user, community, bot, access
    subject: str  # VK/OK user id, or the account key for community and bot tokens
    expires_at: float | None = None
    refresh: str | None = None
    scope: str = ""


@dataclass
class Post:
    id: int
    date: float
    text: str = ""
    photos: list = field(default_factory=list)
    poll: dict | None = None
    link: str | None = None
    guid: str | None = None
    people: bool = False
    deleted: bool = False
    author: str = "owner"
    comments: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass
class Account:
    key: str
    network: str
    kind: str
    name: str
    screen_name: str
    external_id: int
    members: int
    growth_per_day: float
    created: float
    admin_user_id: int | None = None
    tokens: dict = field(default_factory=dict)
    posts: list = field(default_factory=list)
    dialogs: dict = field(default_factory=dict)  # peer id (str) -> list of messages
    # peer id (str) -> {"allowed", "stopped", "first_name", "last_name"}: whether the
    # community or bot may write to the reader (see ``World.dialog_*``).
    dialog_state: dict = field(default_factory=dict)
    callbacks: dict = field(default_factory=dict)  # a pressed button's id -> answered or not
    events: list = field(default_factory=list)  # {"seq", "time", "kind", ...}
    event_seq: int = 0
    reader_count: int = 0
    next_reader_at: float = 0.0
    webhook: dict | None = None
    flags: dict = field(default_factory=dict)  # links_forbidden, comments_closed
    post_seq: int = 0
    guids: dict = field(default_factory=dict)
    sent: dict = field(default_factory=dict)  # messages.send random_id -> message id
    message_seq: int = 0
    comment_seq: int = 0
    history: str = "medical"  # which past posts it starts with (dynamics.HISTORIES)

    def post(self, post_id) -> Post | None:
        for post in reversed(self.posts):
            if str(post.id) == str(post_id) and not post.deleted:
                return post
        return None

    def live_posts(self):
        return [p for p in self.posts if not p.deleted]


class Bucket:
    """A token bucket on the monotonic clock: rate per second, burst as capacity."""

    __slots__ = ("burst", "level", "rate", "stamp")

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.level, self.stamp = burst, time.monotonic()

    def take(self) -> float:
        """0 when allowed, else the seconds until a token is free."""
        now = time.monotonic()
        self.level = min(self.burst, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.level >= 1:
            self.level -= 1
            return 0.0
        return (1 - self.level) / self.rate


def derive(seed, *parts, length=32) -> str:
    return hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).hexdigest()[:length]


class World:
    def __init__(self, seed: int = 42, settings: Settings | None = None):
        self.seed = seed
        self.settings = settings or Settings()
        self.offset = 0.0
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, Token] = {}
        self.buckets: dict[tuple, Bucket] = {}
        self.uploads: dict[str, dict] = {}
        self.photos: dict[str, dict] = {}
        self.polls: dict[int, dict] = {}
        self.codes: dict[str, dict] = {}
        self.seq = 0
        self.ok_app = dict(OK_APP)
        self.vk_app = {"client_id": "51800001", "secret": derive(seed, "vk-app", length=20)}
        self.waiters: dict[str, asyncio.Event] = {}
        self.outbox: asyncio.Queue | None = None
        self.started = self.now()
        self.refusals: dict[str, int] = {}  # rate-limit refusals returned, per network
        # The emulated Koha; its data is generated from the seed on first use.
        self.koha = KohaData(seed, self.now)
        for spec in DEFAULT_ACCOUNTS:
            self.add_account(spec, history=True)

    # The clock

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float):
        self.offset += max(0.0, float(seconds))
        for account in self.accounts.values():
            self.catch_up(account)

    def next_id(self) -> int:
        self.seq += 1
        return self.seq

    # Accounts and tokens

    def add_account(self, spec: dict, history: bool = False) -> Account:
        network = spec["network"]
        emulated = emulator(network)
        if emulated is None:
            raise ValueError(f"the sandbox does not emulate {network!r}")
        number = len([a for a in self.accounts.values() if a.network == network]) + 1
        kind = spec.get("kind") or emulated.default_kind
        external_id = spec.get("external_id") or emulated.new_external_id(number)
        screen_name = spec.get("screen_name") or f"{network}{abs(int(external_id))}"
        key = f"{network}:{screen_name}"
        if key in self.accounts:
            raise ValueError(f"account {key} exists")
        now = self.now()
        account = Account(
            key=key,
            network=network,
            kind=kind,
            name=spec.get("name") or f"Библиотека №{number}",
            screen_name=screen_name,
            external_id=int(external_id),
            members=int(spec.get("members", 300)),
            growth_per_day=float(spec.get("growth_per_day", 1.0)),
            created=now - (30 * dynamics.DAY if history else 0),
            admin_user_id=spec.get("admin_user_id"),
            flags=dict(spec.get("flags", {})),
            history=spec.get("history") if spec.get("history") in dynamics.HISTORIES else "medical",
        )
        account.admin_user_id = account.admin_user_id or emulated.admin_user_id(self.seed, account)
        account.next_reader_at = now + dynamics.next_reader_gap(self.seed, key, 0)
        self.accounts[key] = account
        emulated.issue_tokens(self, account)
        if history:
            self._history(account)
        return account

    def issue_user_token(self, network: str, user_id: str, ttl: float, scope: str = "") -> Token:
        """A token the network's OAuth hands out to a person who allowed access."""
        emulated = emulator(network)
        value = emulated.user_token_prefix + derive(
            self.seed, "oauth", network, user_id, self.next_id(), length=64
        )
        refresh = derive(self.seed, "refresh", value, length=48)
        token = Token(value, network, emulated.user_token_kind, str(user_id))
        token.expires_at = self.now() + ttl
        token.refresh, token.scope = refresh, scope
        self.tokens[value] = token
        return token

    def token(self, value: str | None) -> tuple[Token | None, str]:
        """The token and '' if valid, else None and 'invalid' or 'expired'."""
        token = self.tokens.get(value or "")
        if token is None:
            return None, "invalid"
        if token.expires_at is not None and token.expires_at <= self.now():
            return None, "expired"
        return token, ""

    def expire(self, network: str | None = None, value: str | None = None):
        for token in self.tokens.values():
            if (value and token.value == value) or (not value and network in (None, token.network)):
                token.expires_at = self.now() - 1

    def by_external_id(self, network: str, external_id) -> Account | None:
        for account in self.accounts.values():
            if account.network == network and (
                str(account.external_id) == str(external_id)
                or account.screen_name == str(external_id)
            ):
                return account
        return None

    def user_accounts(self, network: str, user_id: str) -> list[Account]:
        return [
            a
            for a in self.accounts.values()
            if a.network == network and str(a.admin_user_id or a.external_id) == str(user_id)
        ]

    # Rate limits

    def throttle(self, scope: tuple, rate: float, burst: float | None = None) -> float:
        if not self.settings.enforce_limits:
            return 0.0
        bucket = self.buckets.get(scope)
        if bucket is None:
            bucket = self.buckets[scope] = Bucket(rate, burst or max(1.0, rate))
        return bucket.take()

    def refused(self, network: str) -> None:
        """Count a rate-limit refusal the network answered (``/sandbox/control/limits``)."""
        self.refusals[network] = self.refusals.get(network, 0) + 1

    # Posts and figures

    def add_post(self, account: Account, **values) -> Post:
        account.post_seq += 1
        post = Post(id=values.pop("id", None) or account.post_seq, date=self.now(), **values)
        post.people = dynamics.about_people(post.text)
        account.posts.append(post)
        return post

    def members(self, account: Account, at: float | None = None) -> int:
        at = self.now() if at is None else at
        return dynamics.members_at(
            self.seed,
            account.key,
            account.members,
            account.growth_per_day,
            account.created,
            at,
        )

    def figures(self, account: Account, post: Post, at: float | None = None) -> dict:
        at = self.now() if at is None else at
        audience = self.members(account, post.date)
        figures = dynamics.post_figures(self.seed, account.key, post, audience, at)
        figures["comments"] = sum(1 for c in post.comments if c["date"] <= at)
        return figures

    def posts_today(self, account: Account) -> int:
        """Posts of the last 24 hours (the newest are last: stop at the first older one)."""
        since, count = self.now() - dynamics.DAY, 0
        for post in reversed(account.posts):
            if post.date <= since:
                break
            count += post.author == "owner"
        return count

    def _history(self, account: Account):
        """Ten days of past posts so walls, figures and stats are not empty at start."""
        now = self.now()
        texts, question, answers = dynamics.HISTORIES[account.history]
        for number, text in enumerate(texts):
            post = self.add_post(account, text=text)
            post.date = now - (len(texts) - number) * 1.3 * dynamics.DAY
            if "Фото" in text or "выставк" in text or number % 3 == 0:
                photo = {
                    "id": 456239000 + number,
                    "owner_id": -account.external_id
                    if account.kind == "community"
                    else account.external_id,
                    "filename": "photo.jpg",
                    "size": 184320,
                    "date": post.date,
                }
                post.photos = [photo]
            if text.startswith("Опрос"):
                post.poll = {"id": 600000000 + number, "question": question, "answers": answers}
            emulator(account.network).history_post(self, account, post)

    # Simulated readers

    def catch_up(self, account: Account, limit: int = 2000):
        if not self.settings.readers:
            return
        now = self.now()
        done = 0
        while account.next_reader_at <= now and done < limit:
            moment = account.next_reader_at
            recent = [
                p for p in account.live_posts() if moment - 7 * dynamics.DAY < p.date < moment
            ]
            event = dynamics.reader_event(
                self.seed, account.key, account.reader_count, bool(recent)
            )
            account.reader_count += 1
            account.next_reader_at = moment + dynamics.next_reader_gap(
                self.seed, account.key, account.reader_count
            )
            self._reader_event(account, event, moment, recent)
            done += 1

    def _reader_event(self, account: Account, event: dict, moment: float, recent: list):
        author = {k: event[k] for k in ("reader_id", "first_name", "last_name")}
        if event["kind"] == "comment":
            post = recent[int(event["pick"] * len(recent)) % len(recent)]
            account.comment_seq += 1
            comment = dict(author, id=account.comment_seq, date=moment, text=event["text"])
            post.comments.append(comment)
            self.push(account, "comment", moment, post_id=post.id, comment=comment)
        else:
            self.receive_message(account, author, event["text"], moment, topic=event["topic"])

    def reader(self, reader_id: int) -> dict | None:
        """The name a reader wrote under anywhere in the world (``users.get``)."""
        for account in self.accounts.values():
            state = account.dialog_state.get(str(reader_id))
            if state is not None:
                return {"first_name": state["first_name"], "last_name": state["last_name"]}
            for message in account.dialogs.get(str(reader_id), []):
                if message.get("first_name") is not None:
                    return {"first_name": message["first_name"], "last_name": message["last_name"]}
            for post in account.posts:
                for comment in post.comments:
                    if comment["reader_id"] == reader_id and not comment.get("by_owner"):
                        return {k: comment[k] for k in ("first_name", "last_name")}
        return None

    def receive_message(self, account: Account, author: dict, text: str, moment=None, **extra):
        moment = self.now() if moment is None else moment
        account.message_seq += 1
        message = dict(author, id=account.message_seq, date=moment, text=text, incoming=True)
        if extra.get("ref"):
            message["ref"] = extra["ref"]
        account.dialogs.setdefault(str(author["reader_id"]), []).append(message)
        # A reader who writes lets the community or bot answer (VK counts it as allowing).
        state = self.dialog_open(account, author["reader_id"], author)
        state["allowed"], state["stopped"] = True, False
        self.push(account, "message", moment, message=message, **extra)
        return message

    # Readers' dialogs with the community or bot

    def dialog_open(self, account: Account, reader_id, author: dict | None = None) -> dict:
        """The reader's dialog state, made (not yet allowed) where there was none."""
        key = str(reader_id)
        state = account.dialog_state.get(key)
        if state is None:
            names = author or {}
            state = account.dialog_state[key] = {
                "allowed": False,
                "stopped": False,
                "first_name": names.get("first_name") or "Читатель",
                "last_name": names.get("last_name") or key,
            }
            account.dialogs.setdefault(key, [])
        return state

    def may_write(self, account: Account, reader_id) -> bool:
        state = account.dialog_state.get(str(reader_id))
        return bool(state and state["allowed"] and not state["stopped"])

    def send_to_reader(self, account: Account, reader_id, text: str, buttons=(), **extra) -> dict:
        """An outgoing message in the reader's dialog, with its keyboard."""
        account.message_seq += 1
        message = {
            "id": account.message_seq,
            "date": self.now(),
            "text": text,
            "incoming": False,
            "buttons": [dict(button) for button in buttons],
            **extra,
        }
        account.dialogs.setdefault(str(reader_id), []).append(message)
        return message

    def dialog_event(self, account: Account, reader_id, action: str, **data) -> dict:
        """A reader's act in the dialog other than a message (start, allow, deny, stop,
        press), pushed to polling and webhooks as the network's own event."""
        state = self.dialog_open(account, reader_id)
        if action in ("start", "allow"):
            state["allowed"], state["stopped"] = True, False
        elif action in ("deny", "stop"):
            state["allowed"], state["stopped"] = False, True
        reader = {
            "reader_id": int(reader_id),
            "first_name": state["first_name"],
            "last_name": state["last_name"],
        }
        if action == "press":
            data.setdefault("callback_id", derive(self.seed, "cb", account.key, self.next_id()))
            account.callbacks[data["callback_id"]] = False
            for old in list(account.callbacks)[:-5000]:  # keep the recent ones only
                del account.callbacks[old]
        self.push(account, "dialog", self.now(), action=action, reader=reader, **data)
        return data

    def push(self, account: Account, kind: str, moment: float, **data):
        account.event_seq += 1
        event = dict(data, seq=account.event_seq, time=moment, kind=kind)
        account.events.append(event)
        del account.events[:-1000]
        waiter = self.waiters.pop(account.key, None)
        if waiter:
            waiter.set()
        if account.webhook and self.outbox is not None:
            self.outbox.put_nowait((account.key, event))

    async def wait_events(self, account: Account, after: int, timeout: float) -> list:
        self.catch_up(account)
        events = [e for e in account.events if e["seq"] > after]
        if events or timeout <= 0:
            return events
        waiter = self.waiters.setdefault(account.key, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter.wait(), min(timeout, self.settings.longpoll_max_wait))
        self.catch_up(account)
        return [e for e in account.events if e["seq"] > after]

    # Persistence

    def dump(self) -> dict:
        return {
            "seed": self.seed,
            "offset": self.offset,
            "seq": self.seq,
            "settings": asdict(self.settings),
            "accounts": [
                dict(asdict(a), posts=[asdict(p) for p in a.posts]) for a in self.accounts.values()
            ],
            "tokens": [asdict(t) for t in self.tokens.values()],
            "photos": self.photos,
            "polls": {str(k): v for k, v in self.polls.items()},
            "koha": self.koha.dump(),
        }

    @classmethod
    def load(cls, data: dict) -> "World":
        world = cls(seed=data["seed"], settings=Settings(**data.get("settings", {})))
        world.offset, world.seq = data.get("offset", 0.0), data.get("seq", 0)
        world.accounts = {}
        for raw in data["accounts"]:
            posts = [Post(**p) for p in raw.pop("posts")]
            account = Account(**raw)
            account.posts = posts
            world.accounts[account.key] = account
            # A state saved before dialogs kept their state: whoever wrote may be answered.
            for key, messages in account.dialogs.items():
                wrote = [m for m in messages if m.get("incoming")]
                if key not in account.dialog_state and wrote:
                    state = world.dialog_open(account, key, wrote[-1])
                    state["allowed"] = True
        world.tokens = {t["value"]: Token(**t) for t in data["tokens"]}
        world.photos = data.get("photos", {})
        world.polls = {int(k): v for k, v in data.get("polls", {}).items()}
        if data.get("koha"):
            world.koha = KohaData.load(data["koha"], world.now)
        return world

    def save(self, path: Path):
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.dump(), ensure_ascii=False))
        tmp.replace(path)
