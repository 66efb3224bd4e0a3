"""Posts at the planned days and hours: each rubric's plan in the strategy's content
step, against when its posts came out on the library's clock."""

import zoneinfo

from django.utils.translation import gettext as _

from vitrina.strategy.health.base import (
    ATTENTION,
    BAD,
    GOOD,
    UNKNOWN,
    Check,
    Context,
    Row,
    share_text,
)


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Moscow")


def check(context: Context) -> Check:
    result = Check(
        key="timing",
        title=_("Posts at the planned days and hours"),
        note=_("The days and hours of each rubric in the strategy, on the library's clock."),
    )
    plans = {}
    if context.strategy is not None:
        plans = {
            plan.rubric_id: plan
            for plan in context.strategy.rubric_plans.all()
            if plan.days or plan.hours
        }
    channels = {channel.pk: channel for channel in context.channels}
    for rubric_id, plan in plans.items():
        total = on_plan = 0
        for variant in context.variants:
            if variant.post.rubric_id != rubric_id or variant.channel_id not in channels:
                continue
            channel = channels[variant.channel_id]
            local = variant.published_at.astimezone(_zone(channel.library.timezone))
            total += 1
            if (not plan.days or local.weekday() in plan.days) and (
                not plan.hours or local.hour in plan.hours
            ):
                on_plan += 1
        if not total:
            status, advice = UNKNOWN, ""
        elif on_plan >= total * 0.8:
            status, advice = GOOD, ""
        elif on_plan >= total * 0.5:
            status = ATTENTION
            advice = _("Some posts come out at other times: set the planned time when scheduling.")
        else:
            status = BAD
            advice = _(
                "Most posts come out at other times than planned: use the channel's posting "
                "slots, or change the plan to when the readers are really there."
            )
        result.rows.append(
            Row(
                subject=plan.rubric.name,
                status=status,
                figures={"posts": total, "on_plan": on_plan},
                text=_("%(share)s of the posts at the planned time (%(on)d of %(total)d).")
                % {"share": share_text(on_plan, total), "on": on_plan, "total": total},
                advice=advice,
            )
        )
    return result
