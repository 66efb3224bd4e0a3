"""The strategy as a document a director can approve (DOCX, A4, through the shared export
layer): the seven steps in order, the goals with their baselines, and the content plan
by rubric and week for the coming four weeks."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.channels.networks import Kind
from vitrina.core.exports import registry
from vitrina.core.exports.sections import (
    DOCX,
    Column,
    Document,
    Heading,
    KeyValues,
    Meta,
    Paragraphs,
    Section,
    Signature,
    Table,
)
from vitrina.core.exports.sections import (
    Kind as ColumnKind,
)
from vitrina.strategy.metrics import METRICS, figure_text, not_measured_yet
from vitrina.strategy.models import AgeGroup, Purpose, Strategy, Tone
from vitrina.strategy.selectors import network_facts

KEY = "strategy.document"
WEEKS = 4
WEEKDAYS = (
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
)


def _labels(values, choices) -> str:
    labels = dict(choices)
    return "; ".join(str(labels.get(value, value)) for value in values)


def _network_label(network: str) -> str:
    return network_facts(network)["title"] if network else ""


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the coming weeks, the next one first."""
    monday = today + timedelta(days=7 - today.weekday())
    return [monday + timedelta(weeks=index) for index in range(weeks)]


def posts_in_week(per_week: Decimal | None, index: int) -> int:
    """Whole posts in the week ``index`` (from 0) of a plan of ``per_week`` posts a week:
    half a post a week is one post every other week, and the weeks add up to the plan."""
    if not per_week:
        return 0

    def upto(weeks: int) -> int:
        return int((per_week * weeks).quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    return upto(index + 1) - upto(index)


def _days_hours(plan) -> str:
    days = ", ".join(str(WEEKDAYS[day]) for day in plan.days)
    hours = ", ".join(f"{hour:02d}:00" for hour in plan.hours)
    return " · ".join(part for part in (days, hours) if part) or "—"


def _goals(strategy: Strategy) -> list[Section]:
    sections: list[Section] = [Heading(text=_("1. Goals"))]
    if strategy.purposes:
        sections.append(
            Paragraphs(lines=[f"— {Purpose(value).label}" for value in strategy.purposes])
        )
    rows = []
    for goal in strategy.goals.all():
        metric = METRICS.get(goal.metric)
        unit = metric.unit if metric else ""
        rows.append(
            [
                goal.title,
                str(metric.label) if metric else goal.metric,
                _network_label(goal.network),
                figure_text(goal.baseline, unit),
                figure_text(goal.target, unit),
                goal.deadline,
                str(metric.source) if metric and metric.measured else str(not_measured_yet()),
            ]
        )
    sections.append(
        Table(
            columns=[
                Column(_("Goal"), wrap=True, width=30),
                Column(_("Figure"), wrap=True, width=22),
                Column(_("Network"), width=12),
                Column(_("Baseline"), width=10),
                Column(_("Target"), width=10),
                Column(_("Deadline"), ColumnKind.DATE),
                Column(_("How Vitrina measures it"), wrap=True, width=22),
            ],
            rows=rows,
            empty=_("No goals yet."),
        )
    )
    return sections


def _audience(strategy: Strategy) -> list[Section]:
    return [
        Heading(text=_("2. Audience")),
        KeyValues(
            pairs=[
                (_("Geography"), strategy.geography or "—"),
                (_("Ages"), _labels(strategy.age_groups, AgeGroup.choices) or "—"),
                (_("Interests"), strategy.interests or "—"),
            ]
        ),
    ]


def _networks(strategy: Strategy) -> list[Section]:
    rows = []
    for item in strategy.networks.all():
        facts = network_facts(item.network)
        rows.append(
            [
                facts["title"],
                item.reason or "—",
                _("required for state and municipal institutions")
                if facts["official_page_required"]
                else "",
            ]
        )
    return [
        Heading(text=_("3. Networks")),
        Table(
            columns=[
                Column(_("Network"), width=16),
                Column(_("Why"), wrap=True, width=50),
                Column(_("Official page"), wrap=True, width=24),
            ],
            rows=rows,
            empty=_("No networks chosen yet."),
        ),
    ]


def _content(strategy: Strategy, today: date) -> list[Section]:
    pairs = [
        (_("Tone"), Tone(strategy.tone).label if strategy.tone else "—"),
        (_("Style notes"), strategy.tone_notes or "—"),
        (_("Every post with a picture"), _("yes") if strategy.picture_every_post else _("no")),
        (
            _("Share of photo reports"),
            f"{strategy.photo_report_share} %" if strategy.photo_report_share is not None else "—",
        ),
    ]
    weeks = week_starts(today)
    plans = list(strategy.rubric_plans.all())
    rows = [
        [
            plan.rubric.name,
            plan.target_per_week if plan.target_per_week is not None else "—",
            _days_hours(plan),
            *[posts_in_week(plan.target_per_week, index) for index in range(len(weeks))],
        ]
        for plan in plans
    ]
    if rows:
        rows.append(
            [
                _("Total"),
                sum((plan.target_per_week or Decimal(0) for plan in plans), Decimal(0)),
                "",
                *[sum(row[3 + index] for row in rows) for index in range(len(weeks))],
            ]
        )
    return [
        Heading(text=_("4. Content")),
        KeyValues(pairs=pairs),
        Table(
            heading=_("Content plan by rubric and week"),
            columns=[
                Column(_("Rubric"), wrap=True, width=24),
                Column(_("Posts a week"), ColumnKind.DECIMAL),
                Column(_("Days and hours"), wrap=True, width=20),
                *[
                    Column(_("Week of %(date)s") % {"date": f"{week:%d.%m}"}, ColumnKind.INTEGER)
                    for week in weeks
                ],
            ],
            rows=rows,
            empty=_("No rubrics planned yet."),
        ),
    ]


def _communication(strategy: Strategy) -> list[Section]:
    days = strategy.answer_working_days or strategy.organisation.answer_working_days
    answers = [answer.title for answer in strategy.canned_answers.all()]
    return [
        Heading(text=_("5. Communication")),
        KeyValues(
            pairs=[
                (_("Answer readers within, working days"), days),
                (_("Reviews and negativity"), strategy.negativity or "—"),
                (_("Canned answers"), "; ".join(answers) or "—"),
            ]
        ),
    ]


def _resources(strategy: Strategy) -> list[Section]:
    duties = list(strategy.duties.all())
    rows = [
        [
            duty.person
            or (
                duty.member.user.get_full_name() or duty.member.user.username if duty.member else ""
            ),
            duty.work,
            duty.hours_per_week,
        ]
        for duty in duties
    ]
    if rows:
        rows.append([_("Total"), "", sum((duty.hours_per_week for duty in duties), Decimal(0))])
    return [
        Heading(text=_("6. Resources")),
        Table(
            columns=[
                Column(_("Who"), wrap=True, width=24),
                Column(_("What they do"), wrap=True, width=44),
                Column(_("Hours a week"), ColumnKind.DECIMAL),
            ],
            rows=rows,
            empty=_("Nobody named yet."),
        ),
    ]


def _pages(strategy: Strategy) -> list[Section]:
    rows = []
    for item in strategy.networks.all():
        facts = network_facts(item.network)
        if not item.kind:
            rows.append([facts["title"], _("not chosen yet"), ""])
            continue
        note = next((kind["note"] for kind in facts["kinds"] if kind["kind"] == item.kind), "")
        if item.kind == Kind.PROFILE:
            note = _("A personal profile is not a library's page: move to a community.")
        rows.append([facts["title"], Kind(item.kind).label, note])
    return [
        Heading(text=_("7. Page type")),
        Table(
            columns=[
                Column(_("Network"), width=16),
                Column(_("Kind of page"), width=18),
                Column(_("What it means"), wrap=True, width=56),
            ],
            rows=rows,
            empty=_("No networks chosen yet."),
        ),
    ]


def strategy_document(strategy: Strategy, *, today: date | None = None) -> Document:
    today = today or timezone.localdate()
    meta = Meta(organisation=strategy.organisation, library=strategy.library, made_on=today)
    sections: list[Section] = [
        *_goals(strategy),
        *_audience(strategy),
        *_networks(strategy),
        *_content(strategy, today),
        *_communication(strategy),
        *_resources(strategy),
        *_pages(strategy),
        Signature(position=_("Approved by the director"), name=""),
    ]
    return Document(title=_("Social media strategy"), meta=meta, sections=sections)


def _build(*, membership, strategy) -> Document:
    """The strategy's document; the caller found the strategy among the person's own."""
    return strategy_document(strategy)


DOCUMENT = registry.register(
    registry.DocumentType(
        key=KEY, title=gettext_lazy("Social media strategy"), build=_build, formats=(DOCX,)
    )
)
