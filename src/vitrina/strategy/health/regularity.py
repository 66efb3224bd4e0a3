"""Regularity per channel: the longest gap between posts and the posts a week, against
the library's own target and the regional category of an official page."""

from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.channels.providers.registry import provider_class
from vitrina.strategy.health.base import (
    ATTENTION,
    BAD,
    GOOD,
    UNKNOWN,
    Check,
    Context,
    Row,
    number_text,
)

# Regions set the categories of an official page («флагманский», «активный», «визитка»)
# and their post counts; these are Vitrina's figures, posts a week, highest first.
CATEGORIES = (
    ("flagship", gettext_lazy("flagship"), 14),
    ("active", gettext_lazy("active"), 5),
    ("card", gettext_lazy("business card"), 1),
)
GAP_ATTENTION_DAYS = 3
GAP_BAD_DAYS = 7


def category_of(per_week: float) -> tuple[str, str]:
    for key, label, posts in CATEGORIES:
        if per_week >= posts:
            return key, str(label)
    return "", _("below the business card")


def strategy_target(context: Context) -> float | None:
    """Posts a week the strategy asks for: a goal on posts a week, else the sum of the
    rubrics' weekly targets."""
    strategy = context.strategy
    if strategy is None:
        return None
    for goal in strategy.goals.all():
        if goal.metric == "posts_per_week":
            return float(goal.target)
    targets = [
        plan.target_per_week if plan.target_per_week is not None else plan.rubric.target_per_week
        for plan in strategy.rubric_plans.all()
    ]
    total = sum((value for value in targets if value), Decimal(0))
    return float(total) or None


def check(context: Context) -> Check:
    result = Check(
        key="regularity",
        title=_("Regularity"),
        note=_(
            "Over the last four weeks, posts made on the network directly included. The "
            "target a week is the library's own (the channel's "
            "posts a week, or the strategy's). The categories of an official page are set by "
            "each region; Vitrina counts %(flagship)d posts a week for a flagship page, "
            "%(active)d for an active one and %(card)d for a business card — check the "
            "figures of your region."
        )
        % {"flagship": CATEGORIES[0][2], "active": CATEGORIES[1][2], "card": CATEGORIES[2][2]},
    )
    org_target = strategy_target(context)
    by_channel: dict[int, list] = {}
    for variant in context.variants:
        by_channel.setdefault(variant.channel_id, []).append(variant.published_at)
    for channel in context.channels:
        cls = provider_class(channel.network)
        if cls is None:
            continue
        moments = sorted(by_channel.get(channel.pk, []) + context.network_posts.get(channel.pk, []))
        per_week = len(moments) / context.weeks
        edges = [context.start, *moments, context.now]
        gap = max(b - a for a, b in pairwise(edges))
        gap_days = gap.total_seconds() / 86400
        target = float(channel.posts_per_week) if channel.posts_per_week else org_target
        category_key, category = category_of(per_week)
        figures = {
            "posts": len(moments),
            "posts_per_week": round(per_week, 1),
            "target_per_week": target,
            "longest_gap_days": round(gap_days, 1),
            "category": category_key,
        }
        words = _(
            "%(per_week)s posts a week, the longest gap %(gap)s days; the category by "
            "frequency: %(category)s."
        ) % {"per_week": number_text(per_week), "gap": number_text(gap_days), "category": category}
        status, advice = GOOD, ""
        if target:
            words += " " + _("Target: %(target)s a week.") % {"target": number_text(target)}
            if per_week < target * 0.5:
                status = BAD
                advice = _("Post more often: plan posts for the coming weeks in the calendar.")
            elif per_week < target * 0.9:
                status = ATTENTION
                advice = _("A little below the target: add a post or two a week.")
        elif not moments:
            status = UNKNOWN
        if gap_days > GAP_BAD_DAYS:
            status = BAD
            advice = advice or _(
                "The page was silent for more than a week: keep a post at least every few "
                "days, a page is a branch of the library and is kept regularly."
            )
        elif gap_days > GAP_ATTENTION_DAYS and status == GOOD:
            status = ATTENTION
            advice = _("There were pauses of more than three days: spread the posts evenly.")
        if cls.official_page_required and not category_key and status == GOOD:
            status = ATTENTION
            advice = _("An official page is expected to post at least once a week.")
        result.rows.append(
            Row(
                subject=f"{cls.title}: {channel.name}",
                status=status,
                figures=figures,
                text=words,
                advice=advice,
            )
        )
    return result
