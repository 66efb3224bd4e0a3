"""The one interface every network implements, and the facts each network declares.

A provider class says everything Vitrina needs to know about its network — what a post may
hold (``limits``), which account kinds it has, which secrets a channel keeps, what its
addresses look like and how a post's link is built, how readers' events arrive, how it is
connected (OAuth or a pasted token), how fast one may post — so that code outside
``providers/`` asks the registry (``registry.py``) instead of naming a network. Providers
know nothing of Django models: a channel is handed over as a ``ProviderAccount``, a post as a
``Payload`` (``types.py``); every failure leaves as one of the errors in ``errors.py``.
"""

import hashlib
import json
from datetime import date, datetime

import httpx
from django.conf import settings

from .errors import RateLimited, Rejected, Transient
from .ratelimit import Limiter, LimitExceeded, default_limiter
from .types import (
    AccountPost,
    Address,
    ConnectionReport,
    DayStats,
    DirectMessage,
    InboundEvent,
    Limits,
    Messaging,
    Payload,
    PostStats,
    ProviderAccount,
    Published,
    Receiving,
    ReplyTarget,
    SecretSpec,
    SentMessage,
    WebhookResult,
)


def stable_id(*parts) -> int:
    """A positive 31-bit number derived from the parts: a retry sends the same random_id."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def same_text(published: str, wanted: str) -> bool:
    """Networks trim and normalise whitespace; compare what survives."""
    return " ".join((published or "").split())[:500] == " ".join((wanted or "").split())[:500]


class Provider:
    """One network. Subclasses declare the network's facts and implement the interface."""

    network = ""  # the ``channels.networks.Network`` value it serves
    title = ""  # the network's name in messages to people («ВКонтакте»)
    limits: Limits
    default_url = ""
    settings_name = ""  # the setting holding the API's base address
    # Account kinds (``channels.networks.Kind`` values) a channel on this network may be.
    kinds: tuple[str, ...] = ()
    # What the provider calls an account that is not a person's profile.
    community_kind = "channel"
    # What each account kind means on this network, for a library choosing one (the
    # strategy's last step); kinds left out fall back to the general explanation.
    kind_notes: dict[str, str] = {}
    # The kind a library's official page should be on this network ("" when none is meant
    # for it), and whether state and municipal institutions must keep one there
    # (распоряжение Правительства РФ № 2523-р: VK and OK since 1 December 2022).
    recommended_kind = ""
    official_page_required = False
    # The network's mark for an official organisation's page («Госорганизация» on VK), ""
    # where the network has none; and the facts of a page's description Vitrina reads from
    # the network itself (``strategy.health.pages.FACTS`` keys) — the others a librarian
    # confirms by hand.
    official_mark = ""
    page_facts_read: tuple[str, ...] = ()
    secrets: tuple[SecretSpec, ...] = ()
    address: Address | None = None
    receiving = Receiving()
    # What a community or bot may do in a private dialog with a reader.
    messaging = Messaging()
    # The rate (a key of ``default_rates``) at which posts may go into one account.
    pace_rate = ""
    # A connection check tells the account's numeric id (``details["id"]``), worth keeping.
    learns_external_id = False
    # The button that connects a channel through the network's own authorisation page;
    # empty where a librarian pastes a token instead.
    oauth_label = ""

    # Facts read without a provider instance

    @classmethod
    def account_kind(cls, kind: str) -> str:
        """What the provider calls a channel of this registry kind."""
        return "profile" if kind == "profile" else cls.community_kind

    @classmethod
    def account_id(cls, external_id: str, name: str) -> str:
        """The id the network is addressed by: the stored one, or what the address's last
        part gives where the network takes a name (``name`` is that part)."""
        return external_id

    @classmethod
    def token_names(cls) -> dict[str, str]:
        """Stored secret kind → the provider's token name."""
        return {spec.kind: spec.token for spec in cls.secrets}

    @classmethod
    def enterable_secrets(cls) -> list[SecretSpec]:
        return [spec for spec in cls.secrets if spec.enterable]

    @classmethod
    def secret_spec(cls, kind: str) -> SecretSpec | None:
        return next((spec for spec in cls.secrets if spec.kind == kind), None)

    @classmethod
    def app_tokens(cls) -> dict[str, str]:
        """Credentials of Vitrina's own application on the network (from settings) that
        every call needs beside the channel's token; most networks need none."""
        return {}

    @classmethod
    def post_link(cls, account: ProviderAccount, external_id: str) -> str:
        """The public address of a post from the account's and the post's ids, built the way
        the network builds its own; empty where the ids are not enough."""
        return ""

    @classmethod
    def dialog_link(cls, account: ProviderAccount, payload: str) -> str:
        """The address that opens the account's dialog with ``payload`` handed to it (a bot's
        deep link), or empty where the network has none."""
        return ""

    @classmethod
    def oauth_flow(cls, redirect_uri: str):
        """The network's authorisation flow (``oauth.OAuthFlow``) configured from settings,
        or None where a channel is connected with a pasted token."""
        return None

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

    def post_interval(self) -> float:
        """Seconds between two posts on one account: a little over the network's limit."""
        rate = self.rates.get(self.pace_rate) if self.pace_rate else None
        return 1.0 / rate if rate else 0.0

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
        raise self._no_webhooks()

    def webhook_unregister(self, account: ProviderAccount, url: str) -> None:
        """Stop the network posting to ``url``, so polling can take over."""
        raise self._no_webhooks()

    def confirmation_code(self, account: ProviderAccount) -> str:
        """The code the network expects its webhook address to answer with, where it asks
        for one (``receiving.confirmation``)."""
        raise self._no_webhooks()

    def _no_webhooks(self) -> Rejected:
        message = self.receiving.no_webhooks or (
            f"{self.title} не присылает события: входящие получают только опросом."
        )
        return Rejected("webhooks_unsupported", message, network=self.network)

    def reply(self, account: ProviderAccount, target: ReplyTarget, text: str) -> str:
        raise NotImplementedError

    def send_direct(self, account: ProviderAccount, message: DirectMessage) -> SentMessage:
        """Write to one reader (``messaging.can_write_first``). A reader who cannot be
        written to raises ``Undeliverable``; a lost answer ``Transient(outcome_unknown)``."""
        raise self._no_direct()

    def find_direct(self, account: ProviderAccount, message: DirectMessage) -> SentMessage | None:
        """Look for a message whose answer was lost (``messaging.findable``); raises
        ``Unverifiable`` where the network offers no way."""
        raise self._no_direct()

    def answer_button(self, account: ProviderAccount, event: InboundEvent, text: str = "") -> None:
        """Acknowledge a pressed button where the network waits for it (the spinner stops)."""

    def _no_direct(self) -> Rejected:
        message = self.messaging.note or f"{self.title} не позволяет писать читателям первым."
        return Rejected("direct_unsupported", message, network=self.network)

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
