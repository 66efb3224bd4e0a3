"""Engagement metrics as Russian SMM tools define them; each carries its formula, which the
pages show on hover and the reports in their appendix."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    formula: str


METRICS = [
    Metric(
        "er",
        _("ER"),
        _("Average ER: reactions of the period's posts / subscribers / number of posts × 100%"),
    ),
    Metric("erv", _("ERV"), _("ER by views: the mean of the posts' reactions / views × 100%")),
    Metric("err", _("ERR"), _("ER by reach: reactions / reach of the posts × 100%")),
    Metric(
        "love",
        _("Love rate"),
        _("Likes / subscribers × 100%, per post on average"),
    ),
    Metric(
        "talk",
        _("Talk rate"),
        _("Comments / subscribers × 100%, per post on average"),
    ),
    Metric(
        "amplification",
        _("Amplification"),
        _("Reposts / subscribers × 100%, per post on average"),
    ),
    Metric(
        "subscriber_reach",
        _("Subscriber reach (Telegram ERR)"),
        _(
            "Telegram channels: average views of a post / subscribers × 100% "
            "(not the ERR by reach above)"
        ),
    ),
]
REACTIONS_FORMULA = _("Reactions = likes + reposts + comments")


def percent(part, whole) -> float | None:
    if not whole or part is None:
        return None
    return round(100 * part / whole, 2)


def engagement(*, reactions, likes, comments, reposts, posts, subscribers, reach, erv_mean):
    """The period's metrics from totals; ``subscribers`` is the period's mean."""
    per_post = subscribers * posts if subscribers and posts else 0
    return {
        "er": percent(reactions, per_post),
        "erv": round(100 * erv_mean, 2) if erv_mean is not None else None,
        "err": percent(reactions, reach),
        "love": percent(likes, per_post),
        "talk": percent(comments, per_post),
        "amplification": percent(reposts, per_post),
    }
