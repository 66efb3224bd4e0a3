"""Pictures, polls and questions to readers: shares of the period's posts."""

from django.utils.translation import gettext as _

from vitrina.strategy.health.base import (
    ATTENTION,
    BAD,
    GOOD,
    UNKNOWN,
    Check,
    Context,
    Row,
    nothing_published,
    share_text,
)

PICTURE_SHARE = 0.8  # without the strategy's "every post with a picture"


def check(context: Context) -> Check:
    result = Check(
        key="formats",
        title=_("Pictures, polls and questions"),
        note=_("Posts published in the last four weeks, each counted once."),
    )
    posts = {variant.post_id: variant for variant in context.variants}
    total = len(posts)
    if not total:
        result.rows.append(Row(subject=_("Posts"), status=UNKNOWN, text=nothing_published()))
        return result
    pictures = sum(1 for variant in posts.values() if variant.pictures)
    polls = sum(1 for variant in posts.values() if variant.post.poll_question)
    questions = sum(1 for variant in posts.values() if "?" in (variant.text or variant.post.text))
    every = bool(context.strategy and context.strategy.picture_every_post)
    wanted = 1.0 if every else PICTURE_SHARE
    if pictures >= total * wanted:
        status, advice = GOOD, ""
    elif pictures >= total * 0.5:
        status = ATTENTION
        advice = _("Add a photo or a picture to every post: posts with pictures are seen more.")
    else:
        status = BAD
        advice = _(
            "Most posts have no picture: photograph events and books, a page lives on photos."
        )
    result.rows.append(
        Row(
            subject=_("With a picture"),
            status=status,
            figures={"posts": total, "with_picture": pictures},
            text=_("%(share)s of %(total)d posts (the plan: %(wanted)s).")
            % {"share": share_text(pictures, total), "total": total, "wanted": f"{wanted:.0%}"},
            advice=advice,
        )
    )
    talking = polls + questions
    result.rows.append(
        Row(
            subject=_("Polls and questions to readers"),
            status=GOOD if talking else ATTENTION,
            figures={"posts": total, "polls": polls, "questions": questions},
            text=_("%(polls)d polls, %(questions)d posts with a question (%(share)s).")
            % {
                "polls": polls,
                "questions": questions,
                "share": share_text(min(talking, total), total),
            },
            advice=""
            if talking
            else _("Ask the readers something: a poll or a question brings comments."),
        )
    )
    return result
