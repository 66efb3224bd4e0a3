"""The data the providers take and give, free of Django models.

A channel reaches a provider as a plain ``ProviderAccount`` and a post as a ``Payload``; what
a network is and allows is described by ``Limits``, ``Address``, ``Receiving`` and
``SecretSpec`` on its provider class (``base.Provider``).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime


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
    # The account kinds the network gives statistics (subscribers, visits) for; empty: every
    # kind it has. ``no_account_stats`` says why the others have none, for reports.
    account_stats_kinds: tuple[str, ...] = ()
    no_account_stats: str = ""
    # Whether its statistics count the visits of the account; ``no_visits`` says why not.
    account_visits: bool = True
    no_visits: str = ""
    messages: bool = True
    comments: bool = True
    verifiable: bool = True  # find_published can tell whether a post went out
    reads_posts: bool = True  # list_recent_posts can read the account's posts back
    # Posts one account may publish a day (the network's own cap), None where none is known.
    daily_posts: int | None = None
    # The network gives no reach: the share of subscribers who viewed a post stands in for
    # it (views / subscribers, Telegram's "ERR").
    subscriber_reach: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Address:
    """What an account's address on the network looks like.

    ``hosts``: the hosts an address may use (``www.`` and ``m.`` are dropped first);
    ``example``: shown to a librarian who typed something else; ``id_pattern``: a path that
    carries the account's numeric id (``/club42`` → 42), if the network has one.
    """

    hosts: frozenset[str]
    example: str
    id_pattern: re.Pattern | None = None


@dataclass(frozen=True)
class SecretSpec:
    """One stored secret of a channel (``channels.networks.SecretKind``) and the token name
    the provider reads it under; ``enterable`` ones a librarian may paste by hand (OAuth
    fills the others), ``help`` says what it is needed for and where it comes from."""

    kind: str
    token: str
    enterable: bool = False
    help: str = ""


@dataclass(frozen=True)
class Receiving:
    """How readers' messages and comments reach Vitrina from this network.

    ``webhooks``: the network can post events to Vitrina's address (otherwise polling only);
    ``confirmation``: the network first asks the address for a confirmation code (VK
    Callback API), which also lets a librarian register the address by hand;
    ``polling_beside_webhook``: polling keeps working while a webhook is registered, so a
    failed unregistration need not block going back to polling. The texts explain the
    modes on the receiving page and say what is left to do by hand.
    """

    webhooks: bool = False
    confirmation: bool = False
    polling_beside_webhook: bool = False
    polling_help: str = ""
    webhook_help: str = ""
    no_webhooks: str = ""  # why there is no webhook, where there is none
    manual_setup: str = ""  # what is left to do after a code pasted by hand
    manual_removal: str = ""  # what to remove by hand when unregistering failed


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


@dataclass(frozen=True)
class Messaging:
    """What a community or bot may do in a private dialog with one reader (reader services:
    reminders, renewals, recommendations)."""

    # It may write first to a reader who allowed it (a reminder); OK only answers.
    can_write_first: bool = False
    # Reader services use the network unless the library turns it off.
    reader_default: bool = False
    # A foreign messenger: state and municipal institutions may not use it to talk to
    # citizens (41-ФЗ), so it is off until the library turns it on.
    foreign: bool = False
    buttons: bool = False
    # A message whose answer was lost can be looked up (reconciliation before a retry).
    findable: bool = False
    text: int = 4096
    # Messages a second into one dialog (the network's own limit).
    dialog_rate: float = 1.0
    # Plain Russian: what the network cannot do for readers, or what to mind.
    note: str = ""


@dataclass(frozen=True)
class Button:
    """A button under a message: ``callback`` sends ``payload`` back as a ``button`` event,
    ``link`` opens ``url``."""

    label: str
    payload: str = ""
    url: str = ""

    @property
    def kind(self) -> str:
        return "link" if self.url else "callback"


@dataclass
class DirectMessage:
    """A message to one reader in the dialog with the account. ``key`` is the idempotency
    key: the same key is never delivered twice (VK's ``random_id`` is derived from it)."""

    user_id: str
    text: str
    key: str
    buttons: list[Button] = field(default_factory=list)


@dataclass
class SentMessage:
    external_id: str
    sent_at: datetime | None = None


# Dialog events beside messages and comments (``InboundEvent.kind``):
# ``dialog_started`` — the reader opened the dialog (``raw["start"]``: a deep link's payload);
# ``dialog_allowed`` — the reader allowed the community to write (VK, ``raw["key"]``);
# ``dialog_stopped`` — the reader blocked the bot or denied messages: consent withdrawn;
# ``button`` — a callback button pressed (``text`` is its payload, ``raw["event_id"]``).
DIALOG_EVENTS = ("dialog_started", "dialog_allowed", "dialog_stopped", "button")


@dataclass
class InboundEvent:
    """A reader's message, comment or dialog event. ``thread``: the dialog (peer/user id) for
    messages, the post id for comments; ``external_id`` is unique per account and network
    (drop repeats)."""

    kind: str  # message, comment, or one of DIALOG_EVENTS
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
