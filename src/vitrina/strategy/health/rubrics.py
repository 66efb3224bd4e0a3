"""Rubric targets: the content module's rubrics with a weekly target, against the posts
published in each during the period."""

from django.db.models import Q
from django.utils.translation import gettext as _

from vitrina.content.models import Rubric
from vitrina.strategy.health.base import ATTENTION, BAD, GOOD, Check, Context, Row, number_text


def check(context: Context) -> Check:
    result = Check(
        key="rubrics",
        title=_("Rubric targets"),
        note=_("Posts of each rubric in the last four weeks against its target a week."),
    )
    rubrics = Rubric.objects.filter(
        Q(target_per_week__gt=0), organisation=context.organisation, archived_at__isnull=True
    ).order_by("name")
    posts: dict[int, set] = {}
    for variant in context.variants:
        if variant.post.rubric_id:
            posts.setdefault(variant.post.rubric_id, set()).add(variant.post_id)
    for rubric in rubrics:
        count = len(posts.get(rubric.pk, ()))
        per_week = count / context.weeks
        target = float(rubric.target_per_week)
        if per_week >= target * 0.9:
            status, advice = GOOD, ""
        elif per_week >= target * 0.5:
            status, advice = ATTENTION, _("A little below the plan: add a post of this rubric.")
        else:
            status = BAD
            advice = _(
                "The rubric falls behind its plan: prepare its posts ahead or lower the "
                "target to what the team can keep."
            )
        result.rows.append(
            Row(
                subject=rubric.name,
                status=status,
                figures={"posts": count, "posts_per_week": round(per_week, 1), "target": target},
                text=_("%(per_week)s a week of %(target)s planned (%(count)d posts).")
                % {
                    "per_week": number_text(per_week),
                    "target": number_text(target),
                    "count": count,
                },
                advice=advice,
            )
        )
    return result
