"""The figures a goal of the strategy may be tied to: each one Vitrina counts (or will
count) itself, so a goal can be checked against what happened rather than believed.

A metric not measured yet keeps its key, so goals set on it now are checked once it is;
until then pages and documents say plainly that it is not measured yet.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PERCENT, COUNT = "percent", "count"


@dataclass(frozen=True)
class GoalMetric:
    key: str
    label: str
    unit: str  # PERCENT (0–100) or COUNT
    per_network: bool = False  # the goal names the network it is about
    measured: bool = True  # Vitrina counts it today
    source: str = ""  # where the figure comes from, for people


METRICS: dict[str, GoalMetric] = {
    metric.key: metric
    for metric in (
        GoalMetric(
            "new_subscribers",
            _("New subscribers on a network"),
            COUNT,
            per_network=True,
            source=_("the channels' subscriber counts collected by analytics"),
        ),
        GoalMetric(
            "posts_per_week",
            _("Posts a week"),
            COUNT,
            source=_("the posts published through Vitrina"),
        ),
        GoalMetric(
            "views_per_month",
            _("Views of posts a month"),
            COUNT,
            source=_("the posts' views collected by analytics"),
        ),
        GoalMetric(
            "answered_in_time_share",
            _("Share of questions answered within the answer target"),
            PERCENT,
            source=_("the first answers in the inbox"),
        ),
        GoalMetric(
            "catalogue_visits",
            _("Visits from the networks to the site and the e-catalogue a month"),
            COUNT,
            # Counted by the short links: strategy.links.clicks_total(organisation_id=…,
            # library_id=…, start=…, end=…).
            source=_("clicks of the library's short links"),
        ),
        GoalMetric(
            "event_people",
            _("People at events who came from the networks"),
            COUNT,
            measured=False,
            source=_("registrations for events"),
        ),
    )
}


def metric_choices() -> list[tuple[str, str]]:
    return [(key, metric.label) for key, metric in METRICS.items()]


def not_measured_yet() -> str:
    return _("not measured yet")


def figure_text(value, unit: str = COUNT) -> str:
    """A goal's figure in Russian notation: 1195, 1,5, 100 %; a dash when there is none."""
    if value is None:
        return "—"
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} %" if unit == PERCENT else text
