"""The one interface every network implements, its data types and its error model.

Providers know nothing of Django models: a channel is handed over as a plain
``ProviderAccount`` and a post as a ``Payload``. Every failure leaves a provider as one of
four errors, so the publishing machinery decides retries without knowing the network:

* ``RateLimited(retry_after)`` — try again later, nothing was done;
* ``AuthExpired`` — the token is gone or lacks rights: the channel needs reconnecting;
* ``Rejected(code, message)`` — permanent, ``message`` explains it in plain Russian;
* ``Transient`` — a network or server hiccup; ``outcome_unknown`` says the call may have
  taken effect (timeout, lost answer) and must be reconciled before any retry.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

import httpx

from .ratelimit import Limiter, LimitExceeded, default_limiter


class ProviderError(Exception):
    """Base of the four errors; ``code`` is the network's own code, kept for the log.

    ``detail`` is the network's own (often English) text, for support; ``summary`` is the
    plain Russian sentence for a librarian, without it (the message when not given).
    """

    def __init__(
        self,
        message: str = "",
        *,
        code: str | int | None = None,
        network: str = "",
        detail: str = "",
        summary: str = "",
    ):
        super().__init__(message)
        self.message, self.code, self.network = message, code, network
        self.detail, self.summary = detail, summary or message


class RateLimited(ProviderError):
    def __init__(self, retry_after: float, message: str = "", **kwargs):
        kwargs.setdefault("summary", "Сеть ограничила число запросов: повторите чуть позже.")
        super().__init__(message or f"Лимит запросов: повторить через {retry_after:g} с", **kwargs)
        self.retry_after = float(retry_after)


class AuthExpired(ProviderError):
    pass


class Rejected(ProviderError):
    def __init__(self, code, message: str, **kwargs):
        super().__init__(message, code=code, **kwargs)


class Transient(ProviderError):
    def __init__(self, message: str = "", *, outcome_unknown: bool = False, **kwargs):
        super().__init__(message, **kwargs)
        self.outcome_unknown = outcome_unknown


class Unverifiable(ProviderError):
    """The network offers no way to check whether a post went out (Telegram)."""


@dataclass(frozen=True)
class Limits:
    text: int
    caption: int | None  # None: text and photos travel together without a separate caption
    media: int
    polls: bool
    poll_question: int = 0
    poll_options: int = 0
    poll_option_length: int = 0
    links: bool = True
    post_stats: bool = True
    account_stats: bool = True
    messages: bool = True
    comments: bool = True
    verifiable: bool = True  # find_published can tell whether a post went out
    reads_posts: bool = True  # list_recent_posts can read the account's posts back
    notes: tuple[str, ...] = ()


@dataclass
class ProviderAccount:
    """A channel as the providers see it.

    ``external_id``: the VK group or user id, the OK group or user id, the Telegram chat id,
    the MAX chat id. ``tokens``: VK ``user`` and ``community``; OK ``access_token``,
    ``application_key``, ``application_secret_key``; Telegram and MAX ``bot``; optional
    ``webhook_secret``. ``extra``: ``kind`` (community/profile/group/channel),
    ``confirmation_code`` for VK Callback API.
    """

    network: str
    external_id: str
    tokens: dict[str, str] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.extra.get("kind", "")


@dataclass
class Photo:
    content: bytes
    filename: str = "photo.jpg"
    alt: str = ""
    content_type: str = "image/jpeg"


@dataclass
class Poll:
    question: str
    answers: list[str]
    anonymous: bool = True
    multiple: bool = False
    end_date: datetime | None = None


@dataclass
class Payload:
    text: str = ""
    photos: list[Photo] = field(default_factory=list)
    poll: Poll | None = None
    link: str | None = None
    marker: str | None = None  # a stable id of this publication: VK guid, reconciliation key


@dataclass
class Published:
    external_id: str
    url: str
    raw: dict = field(default_factory=dict)
    related_ids: list[str] = field(default_factory=list)  # further messages of one post
    published_at: datetime | None = None


@dataclass
class AccountPost:
    """A post found on the account, whoever made it (Vitrina or a person in the network)."""

    external_id: str
    published_at: datetime
    text: str = ""


@dataclass
class DayStats:
    day: date
    followers: int | None = None
    views: int | None = None
    reach: int | None = None
    visitors: int | None = None
    likes: int | None = None
    comments: int | None = None
    reposts: int | None = None
    subscribed: int | None = None
    unsubscribed: int | None = None


@dataclass
class PostStats:
    external_id: str
    views: int | None = None
    reach: int | None = None
    likes: int | None = None
    comments: int | None = None
    reposts: int | None = None


@dataclass
class InboundEvent:
    """A reader's message or comment. ``thread``: the dialog (peer/user id) for messages, the
    post id for comments; ``external_id`` is unique per account and network (drop repeats)."""

    kind: str  # message, comment
    external_id: str
    thread: str
    text: str
    author_id: str
    author_name: str = ""
    created_at: datetime | None = None
    reply_to: str | None = None
    raw: dict = field(default_factory=dict)


@dataclass
class ReplyTarget:
    kind: str  # message, comment
    thread: str
    reply_to: str | None = None  # the comment answered, where the network threads replies
    extra: dict = field(default_factory=dict)

    @classmethod
    def to(cls, event: InboundEvent) -> "ReplyTarget":
        extra = {k: v for k, v in event.raw.items() if k.startswith("reply_")}
        return cls(event.kind, event.thread, event.external_id, extra)


@dataclass
class WebhookResult:
    events: list[InboundEvent]
    status: int = 200
    body: str = "ok"


@dataclass
class ConnectionReport:
    """What works with the stored credentials; ``problems`` are plain Russian sentences."""

    can_post: bool = False
    can_read_stats: bool = False
    can_message: bool = False
    followers: int | None = None
    name: str = ""
    problems: list[str] = field(default_factory=list)
    missing_tokens: list[str] = field(default_factory=list)
    auth_failed: bool = False  # a token was refused: the channel needs reconnecting
    details: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def stable_id(*parts) -> int:
    """A positive 31-bit number derived from the parts: a retry sends the same random_id."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def same_text(published: str, wanted: str) -> bool:
    """Networks trim and normalise whitespace; compare what survives."""
    return " ".join((published or "").split())[:500] == " ".join((wanted or "").split())[:500]


class Provider:
    """One network. Subclasses set ``network`` and ``limits`` and implement the methods."""

    network = ""
    title = ""  # the network's name for messages to people
    limits: Limits
    default_url = ""
    settings_name = ""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        client: httpx.Client | None = None,
        limiter: Limiter | None = None,
        rates: dict | None = None,
        timeout: float = 30.0,
    ):
        self.base_url = (base_url or self.default_url).rstrip("/")
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(timeout, connect=5.0),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
            headers={"User-Agent": "Vitrina"},
        )
        self.limiter = limiter or default_limiter()
        self.rates = dict(self.default_rates(), **(rates or {}))

    @classmethod
    def default_rates(cls) -> dict:
        return {}

    @classmethod
    def from_settings(cls, **kwargs) -> "Provider":
        from django.conf import settings

        rates = {
            name: float(getattr(settings, f"{cls.network.upper()}_{name.upper()}"))
            for name in cls.default_rates()
            if hasattr(settings, f"{cls.network.upper()}_{name.upper()}")
        }
        return cls(
            getattr(settings, cls.settings_name, None),
            rates=rates,
            timeout=float(getattr(settings, "NETWORK_TIMEOUT", 30)),
            **kwargs,
        )

    def close(self):
        self.client.close()

    # Helpers

    def throttle(self, *scope, rate: float, burst: float = 1):
        try:
            self.limiter.acquire(":".join([self.network, *map(token_key, scope)]), rate, burst)
        except LimitExceeded as exc:
            raise RateLimited(exc.retry_after, network=self.network) from exc

    def send(self, method: str, url: str, *, write: bool = False, **kwargs) -> httpx.Response:
        """One HTTP exchange; transport failures become ``Transient``. ``write`` marks calls
        whose effect may survive a lost answer."""
        try:
            response = self.client.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise Transient(
                f"Нет соединения с сетью: {exc}",
                network=self.network,
                detail=str(exc),
                summary="Нет соединения с сетью: ответ не отправлен, повторите позже.",
            ) from exc
        except httpx.HTTPError as exc:
            raise Transient(
                f"Сеть не ответила: {exc.__class__.__name__}",
                outcome_unknown=write,
                network=self.network,
                detail=f"{exc.__class__.__name__}: {exc}",
                summary="Сеть не ответила вовремя.",
            ) from exc
        if response.status_code in (502, 503, 504) and not _is_json(response):
            raise Transient(
                f"Сервер сети ответил {response.status_code}",
                outcome_unknown=write,
                code=response.status_code,
                network=self.network,
            )
        return response

    def check_payload(self, payload: Payload):
        """Refuse what the network cannot take, before anything is sent."""
        limits = self.limits
        if not (payload.text or payload.photos or payload.poll or payload.link):
            raise Rejected("empty", "Пустая публикация: нет ни текста, ни фото, ни опроса.")
        if len(payload.text) > limits.text:
            raise Rejected(
                "text_too_long",
                f"Текст длиннее {limits.text} знаков — столько {self.title} не принимает.",
            )
        if len(payload.photos) > limits.media:
            raise Rejected("too_many_photos", f"Не больше {limits.media} фото в одной публикации.")
        if payload.poll:
            poll = payload.poll
            if not limits.polls:
                raise Rejected("polls_unsupported", f"{self.title} не поддерживает опросы.")
            if not poll.question or len(poll.question) > limits.poll_question:
                raise Rejected(
                    "poll_question", f"Вопрос опроса: от 1 до {limits.poll_question} знаков."
                )
            if not 2 <= len(poll.answers) <= limits.poll_options:
                raise Rejected(
                    "poll_options", f"В опросе должно быть от 2 до {limits.poll_options} ответов."
                )
            if any(not a or len(a) > limits.poll_option_length for a in poll.answers):
                raise Rejected(
                    "poll_option_length",
                    f"Вариант ответа: от 1 до {limits.poll_option_length} знаков.",
                )
        if payload.link and not limits.links:
            raise Rejected("links_unsupported", f"{self.title} не принимает ссылки.")

    # The interface

    def publish(self, account: ProviderAccount, payload: Payload) -> Published:
        raise NotImplementedError

    def find_published(
        self, account: ProviderAccount, payload: Payload, since: datetime | None = None
    ) -> Published | None:
        """Look for a post whose answer was lost; raises ``Unverifiable`` where impossible."""
        raise NotImplementedError

    def delete(self, account: ProviderAccount, external_id: str) -> None:
        raise NotImplementedError

    def fetch_account_stats(
        self, account: ProviderAccount, day_from: date, day_to: date
    ) -> list[DayStats]:
        raise NotImplementedError

    def fetch_post_stats(
        self, account: ProviderAccount, external_ids: list[str]
    ) -> list[PostStats]:
        raise NotImplementedError

    def list_recent_posts(self, account: ProviderAccount, since: datetime) -> list[AccountPost]:
        """The account's posts published since the moment, newest first, read back from the
        network so that posts made outside Vitrina are counted too (``limits.reads_posts``)."""
        raise NotImplementedError

    def fetch_updates(
        self, account: ProviderAccount, cursor: str | None, timeout: float = 0
    ) -> tuple[list[InboundEvent], str]:
        raise NotImplementedError

    def parse_webhook(self, account: ProviderAccount, headers, body: bytes) -> WebhookResult:
        raise NotImplementedError

    def webhook_register(self, account: ProviderAccount, url: str, secret: str) -> None:
        """Ask the network to post the account's events to ``url`` with ``secret``."""
        raise Rejected(
            "webhooks_unsupported",
            f"{self.title} не присылает события: входящие получают только опросом.",
            network=self.network,
        )

    def webhook_unregister(self, account: ProviderAccount, url: str) -> None:
        """Stop the network posting to ``url``, so polling can take over."""
        raise Rejected(
            "webhooks_unsupported",
            f"{self.title} не присылает события: входящие получают только опросом.",
            network=self.network,
        )

    def reply(self, account: ProviderAccount, target: ReplyTarget, text: str) -> str:
        raise NotImplementedError

    def user_names(self, account: ProviderAccount, user_ids: list[str]) -> dict[str, str]:
        """Display names of readers by their ids, for networks whose events carry only the
        id (VK); the others name the author in the event itself."""
        return {}

    def check_connection(self, account: ProviderAccount) -> ConnectionReport:
        raise NotImplementedError


def token_key(value) -> str:
    """Rate-limit keys carry a digest, never a token itself."""
    value = str(value)
    return hashlib.sha1(value.encode()).hexdigest()[:16] if len(value) > 24 else value  # noqa: S324


def _is_json(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


def loads(response: httpx.Response, network: str):
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError) as exc:
        raise Transient(
            f"Непонятный ответ сети (HTTP {response.status_code})",
            code=response.status_code,
            network=network,
        ) from exc


REGISTRY: dict[str, type[Provider]] = {}
_instances: dict[tuple, Provider] = {}


def register(cls: type[Provider]) -> type[Provider]:
    REGISTRY[cls.network] = cls
    return cls


def get_provider(network: str) -> Provider:
    """The process-wide provider of a network, configured from Django settings (one per
    address, so a changed setting — a test pointing at the sandbox — gets its own)."""
    from django.conf import settings

    from . import max, ok, telegram, vk  # noqa: F401 (registers the networks)

    cls = REGISTRY[network]
    key = (network, getattr(settings, cls.settings_name, ""))
    if key not in _instances:
        _instances[key] = cls.from_settings()
    return _instances[key]
