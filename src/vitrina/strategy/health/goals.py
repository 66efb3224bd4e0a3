"""Goals on track: each goal's figure now, and where its trend leads by the deadline."""

from datetime import timedelta

from django.db.models import Sum
from django.utils.translation import gettext as _

from vitrina.analytics.models import AccountSnapshot
from vitrina.strategy.health import answers
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
from vitrina.strategy.links import clicks_total
from vitrina.strategy.metrics import METRICS, PERCENT


def _subscribers(context: Context, network: str) -> tuple[float | None, float | None]:
    """New subscribers on the network's channels over the last year, and the year's
    figure at the pace of the last four weeks (None where the days do not tell)."""
    channels = [c.pk for c in context.channels if not network or c.network == network]
    today = context.now.date()
    year_ago = today - timedelta(days=365)
    rows = list(
        AccountSnapshot.objects.filter(channel_id__in=channels, day__gt=year_ago, day__lte=today)
        .values("day")
        .annotate(joined=Sum("joined"), followers=Sum("followers"))
        .order_by("day")
    )
    if not rows:
        return None, None
    if any(row["joined"] is not None for row in rows):
        year = sum(row["joined"] or 0 for row in rows)
        recent = sum(row["joined"] or 0 for row in rows if row["day"] > context.start.date())
    else:
        known = [row for row in rows if row["followers"] is not None]
        if len(known) < 2:
            return None, None
        year = known[-1]["followers"] - known[0]["followers"]
        period = [row for row in known if row["day"] >= context.start.date()]
        recent = period[-1]["followers"] - period[0]["followers"] if len(period) > 1 else 0
    pace = recent * 365 / max((context.now - context.start).days, 1)
    return float(year), float(pace)


def _views_month(context: Context) -> float | None:
    since = (context.now - timedelta(days=30)).date()
    total = AccountSnapshot.objects.filter(
        channel_id__in=[c.pk for c in context.channels], day__gt=since, views__isnull=False
    ).aggregate(total=Sum("views"))["total"]
    return float(total) if total is not None else None


def current(context: Context, goal) -> tuple[float | None, float | None]:
    """The goal's figure now and the figure its trend leads to (None where the trend is
    not known)."""
    if goal.metric == "new_subscribers":
        return _subscribers(context, goal.network)
    if goal.metric == "posts_per_week":
        return len({v.post_id for v in context.variants}) / context.weeks, None
    if goal.metric == "answered_in_time_share":
        in_time, due = answers.answered_in_time(context)
        return (100 * in_time / due if due else None), None
    if goal.metric == "views_per_month":
        return _views_month(context), None
    if goal.metric == "catalogue_visits":
        # Clicks of the short links over the last 30 days.
        clicks = clicks_total(
            organisation_id=context.organisation.pk,
            start=context.now - timedelta(days=30),
            end=context.now,
        )
        return float(clicks), None
    return None, None


def check(context: Context) -> Check:
    result = Check(
        key="goals",
        title=_("Goals"),
        note=_(
            "A goal's figure now (new subscribers: over the last year); where the days "
            "tell, the year's figure at the pace of the last four weeks."
        ),
    )
    if context.strategy is None:
        return result
    today = context.now.date()
    for goal in context.strategy.goals.all():
        metric = METRICS.get(goal.metric)
        target = float(goal.target)
        if metric is None or not metric.measured:
            result.rows.append(
                Row(
                    subject=goal.title,
                    status=UNKNOWN,
                    text=_("Not measured yet."),
                    figures={"metric": goal.metric, "target": target},
                )
            )
            continue
        now_value, pace = current(context, goal)
        figures = {
            "metric": goal.metric,
            "now": None if now_value is None else round(now_value, 1),
            "target": target,
            "deadline": goal.deadline.isoformat(),
            "projected": None,
        }
        if now_value is None:
            result.rows.append(
                Row(subject=goal.title, status=UNKNOWN, text=_("No figures yet."), figures=figures)
            )
            continue
        unit = " %" if metric.unit == PERCENT else ""
        text = _("Now %(now)s, the goal %(target)s by %(deadline)s.") % {
            "now": number_text(now_value) + unit,
            "target": number_text(target) + unit,
            "deadline": goal.deadline.strftime("%d.%m.%Y"),
        }
        days_left = (goal.deadline - today).days
        expected = now_value
        if pace is not None and days_left > 0:
            expected = pace
            figures["projected"] = round(expected, 1)
            text += " " + _("At the pace of the last four weeks: %(value)s a year.") % {
                "value": number_text(expected) + unit
            }
        if expected >= target:
            status, advice = GOOD, ""
        elif days_left <= 0:
            status, advice = BAD, _("The deadline has passed: set a new goal or a new date.")
        else:
            start = float(goal.baseline) if goal.baseline is not None else 0.0
            reached = (expected - start) / (target - start) if target > start else 1.0
            if reached >= 0.8:
                status = ATTENTION
                advice = _("A little short of the goal at this pace: add effort here.")
            else:
                status = BAD
                advice = _(
                    "At this pace the goal will not be reached: change the plan, or the goal."
                )
        result.rows.append(
            Row(subject=goal.title, status=status, text=text, figures=figures, advice=advice)
        )
    return result
