"""What every check shares: the verdict, its figures and advice, and the period's data
read once for all the checks."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.analytics.models import PostLatest
from vitrina.channels.models import Channel
from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.models import Organisation
from vitrina.strategy.models import Strategy

GOOD, ATTENTION, BAD, UNKNOWN = "good", "attention", "bad", "unknown"
STATUS_LABELS = {
    GOOD: gettext_lazy("good"),
    ATTENTION: gettext_lazy("worth a look"),
    BAD: gettext_lazy("needs work"),
    UNKNOWN: gettext_lazy("no data yet"),
}
_ORDER = {GOOD: 0, UNKNOWN: 1, ATTENTION: 2, BAD: 3}

PERIOD_DAYS = 28


def worst(statuses) -> str:
    """The worst of the verdicts (good when there are none)."""
    return max(statuses, key=_ORDER.__getitem__, default=GOOD)


@dataclass
class Row:
    """One line of a check: what it is about, its figures, its verdict and advice."""

    subject: str
    status: str
    figures: dict = field(default_factory=dict)  # key → plain value (number, text)
    text: str = ""  # the figures in words
    advice: str = ""
    confirmed_by_hand: bool = False


@dataclass
class Check:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""  # where the figures come from, what is the library's own choice

    @property
    def status(self) -> str:
        return worst(row.status for row in self.rows) if self.rows else UNKNOWN

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": str(self.title),
            "status": self.status,
            "note": str(self.note),
            "rows": [
                {
                    "subject": str(row.subject),
                    "status": row.status,
                    "figures": row.figures,
                    "text": str(row.text),
                    "advice": str(row.advice),
                    "confirmed_by_hand": row.confirmed_by_hand,
                }
                for row in self.rows
            ],
        }


@dataclass
class Context:
    """The organisation, its strategy and the period's published posts, read once."""

    organisation: Organisation
    strategy: Strategy | None
    now: datetime
    start: datetime
    channels: list[Channel]
    variants: list[Variant]  # published in the period, oldest first
    # Posts made on the networks directly (read back by analytics), by channel: they keep
    # a page regular as much as Vitrina's own.
    network_posts: dict[int, list[datetime]] = field(default_factory=dict)

    @property
    def weeks(self) -> float:
        return (self.now - self.start).total_seconds() / (7 * 86400)


def context_load(*, organisation: Organisation, now: datetime, days: int = PERIOD_DAYS):
    strategy = (
        Strategy.objects.filter(organisation=organisation, library__isnull=True)
        .prefetch_related("goals", "rubric_plans__rubric", "networks")
        .first()
    )
    start = now - timedelta(days=days)
    channels = list(
        Channel.objects.filter(organisation=organisation, archived_at__isnull=True)
        .select_related("library")
        .order_by("network", "name")
    )
    variants = list(
        Variant.objects.filter(
            post__organisation=organisation,
            state=VariantState.PUBLISHED,
            published_at__gte=start,
            published_at__lte=now,
            channel__archived_at__isnull=True,
        )
        .select_related("post")
        .annotate(pictures=Count("post__media_items", distinct=True))
        .order_by("published_at")
    )
    network_posts: dict[int, list[datetime]] = {}
    for channel_id, moment in (
        PostLatest.objects.filter(
            channel__in=[channel.pk for channel in channels],
            variant__isnull=True,
            published_at__gte=start,
            published_at__lte=now,
        )
        .order_by("published_at")
        .values_list("channel_id", "published_at")
    ):
        network_posts.setdefault(channel_id, []).append(moment)
    return Context(
        organisation=organisation,
        strategy=strategy,
        now=now,
        start=start,
        channels=channels,
        variants=variants,
        network_posts=network_posts,
    )


def share_text(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{round(100 * part / whole)} %"


def number_text(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def nothing_published() -> str:
    return _("Nothing was published in the last four weeks.")
