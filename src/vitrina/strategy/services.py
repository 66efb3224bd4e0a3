"""Writes of the strategy: each step saved on its own (the wizard saves a step as it is
left) or several at once (the API), always checked the same way.

A step's data is the plain structure ``selectors.strategy_data`` gives. Refusals are
``ServiceError``s whose ``field`` names the place (``goals.2.deadline``), with a reason a
person can act on: a goal needs a figure Vitrina measures, a target and a deadline.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.providers.registry import connectable_networks, kinds_for
from vitrina.content.models import Rubric
from vitrina.content.services.rubrics import rubric_save
from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Library, Membership
from vitrina.core.services import organisation_update
from vitrina.inbox.models import CannedAnswer
from vitrina.strategy.metrics import METRICS, PERCENT
from vitrina.strategy.models import (
    STEPS,
    AgeGroup,
    Duty,
    Goal,
    NetworkChoice,
    Purpose,
    RubricPlan,
    Step,
    Strategy,
    Tone,
)
from vitrina.strategy.rules import can_edit_strategy

MAX_ROWS = 30  # goals, networks, rubrics or people in one step
MAX_TEXT = 5000
MAX_FIGURE = Decimal("1000000000")
MAX_YEARS_AHEAD = 10
MAX_RUBRIC_WEEKLY = Decimal("50")
MAX_HOURS_A_WEEK = Decimal("60")


# Checks of plain values ---------------------------------------------------------------


def _list(value, field: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ServiceError(_("Send a list."), field=field)
    if len(value) > MAX_ROWS:
        raise ServiceError(
            _("No more than %(count)s rows in one step.") % {"count": MAX_ROWS}, field=field
        )
    return list(value)


def _row(value, field: str) -> dict:
    if not isinstance(value, dict):
        raise ServiceError(_("Send an object for each row."), field=field)
    return value


def _text(value, field: str, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError(_("Send text."), field=field)
    value = value.replace("\x00", "").strip()
    if len(value) > limit:
        raise ServiceError(_("No more than %(count)s characters.") % {"count": limit}, field=field)
    return value


def _choices(value, allowed, field: str) -> list[str]:
    chosen = []
    for item in _list(value, field):
        if not isinstance(item, str) or item not in allowed:
            raise ServiceError(
                _("“%(value)s” is not one of the choices.") % {"value": item}, field=field
            )
        if item not in chosen:
            chosen.append(item)
    return chosen


def _decimal(value, field: str, *, required_message: str = "") -> Decimal | None:
    if value is None or value == "":
        if required_message:
            raise ServiceError(required_message, field=field)
        return None
    if isinstance(value, bool):
        raise ServiceError(_("Send a number."), field=field)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Send a number."), field=field) from None
    if not number.is_finite():
        raise ServiceError(_("Send a number."), field=field)
    if number < 0:
        raise ServiceError(_("The figure cannot be negative."), field=field)
    if number > MAX_FIGURE:
        raise ServiceError(_("The figure is too large."), field=field)
    return number.quantize(Decimal("0.1"))


def _integers(value, lowest: int, highest: int, field: str, message: str) -> list[int]:
    found = []
    for item in _list(value, field):
        if isinstance(item, bool) or not isinstance(item, int) or not lowest <= item <= highest:
            raise ServiceError(message, field=field)
        if item not in found:
            found.append(item)
    return sorted(found)


def _day(value, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ServiceError(_("Send a date as YYYY-MM-DD."), field=field)


def _network(value, field: str) -> str:
    if not isinstance(value, str) or value not in connectable_networks():
        raise ServiceError(_("Choose one of the networks Vitrina works with."), field=field)
    return value


# The steps ------------------------------------------------------------------------------


def goal_check(row: dict, *, field: str, today: date) -> Goal:
    """One goal, refused unless it is tied to a figure Vitrina measures, has a target to
    reach and a deadline ahead."""
    metric = METRICS.get(row.get("metric")) if isinstance(row.get("metric"), str) else None
    if metric is None:
        raise ServiceError(
            _(
                "Tie the goal to a figure Vitrina measures (new subscribers, posts a week, "
                "answers in time…): a goal nobody can measure cannot be checked."
            ),
            field=f"{field}.metric",
        )
    target = _decimal(
        row.get("target"),
        f"{field}.target",
        required_message=_(
            "Give the figure to reach (how many, or what share): without it the goal "
            "cannot be checked."
        ),
    )
    if target == 0:
        raise ServiceError(_("The figure to reach must be above zero."), field=f"{field}.target")
    baseline = _decimal(row.get("baseline"), f"{field}.baseline")
    if metric.unit == PERCENT:
        for name, value in (("target", target), ("baseline", baseline)):
            if value is not None and value > 100:
                raise ServiceError(_("A share is at most 100 %."), field=f"{field}.{name}")
    deadline = _day(row.get("deadline"), f"{field}.deadline")
    if deadline is None:
        raise ServiceError(
            _("Give the deadline: a goal without a date is never late and never met."),
            field=f"{field}.deadline",
        )
    if deadline <= today:
        raise ServiceError(_("The deadline must be ahead, after today."), field=f"{field}.deadline")
    if deadline > today.replace(year=today.year + MAX_YEARS_AHEAD):
        raise ServiceError(
            _("Set a deadline within %(years)s years.") % {"years": MAX_YEARS_AHEAD},
            field=f"{field}.deadline",
        )
    network = ""
    if metric.per_network:
        if not row.get("network"):
            raise ServiceError(
                _("Name the network whose figure the goal is about."), field=f"{field}.network"
            )
        network = _network(row.get("network"), f"{field}.network")
    title = _text(row.get("title"), f"{field}.title", limit=200)
    if not title:
        title = f"{metric.label}: {target.normalize():f}"[:200]
    return Goal(
        title=title,
        metric=metric.key,
        network=network,
        target=target,
        baseline=baseline,
        deadline=deadline,
    )


def _goals(strategy: Strategy, data: dict, membership: Membership) -> None:
    strategy.purposes = _choices(data.get("purposes"), Purpose.values, "purposes")
    today = timezone.localdate()
    goals = [
        goal_check(_row(row, f"goals.{index}"), field=f"goals.{index}", today=today)
        for index, row in enumerate(_list(data.get("goals"), "goals"))
    ]
    strategy.goals.all().delete()
    for position, goal in enumerate(goals):
        goal.strategy, goal.position = strategy, position
    Goal.objects.bulk_create(goals)


def _audience(strategy: Strategy, data: dict, membership: Membership) -> None:
    strategy.geography = _text(data.get("geography"), "geography")
    strategy.age_groups = _choices(data.get("age_groups"), AgeGroup.values, "age_groups")
    strategy.interests = _text(data.get("interests"), "interests")


def _networks(strategy: Strategy, data: dict, membership: Membership) -> None:
    kept = {item.network: item for item in strategy.networks.all()}
    chosen = []
    for index, row in enumerate(_list(data.get("networks"), "networks")):
        row = _row(row, f"networks.{index}")
        network = _network(row.get("network"), f"networks.{index}.network")
        if network in (item[0] for item in chosen):
            raise ServiceError(_("Each network once, please."), field=f"networks.{index}.network")
        chosen.append((network, _text(row.get("reason"), f"networks.{index}.reason")))
    strategy.networks.exclude(network__in=[network for network, _reason in chosen]).delete()
    for position, (network, reason) in enumerate(chosen):
        item = kept.get(network) or NetworkChoice(strategy=strategy, network=network)
        item.position, item.reason = position, reason
        item.save()


def _rubric(strategy: Strategy, row: dict, field: str, membership: Membership) -> Rubric:
    """The content module's rubric of this name (created when there is none); the
    organisation's strategy also sets its weekly target."""
    organisation = strategy.organisation
    name = _text(row.get("name"), f"{field}.name", limit=120)
    if not name:
        raise ServiceError(_("Enter the rubric's name."), field=f"{field}.name")
    target = _decimal(row.get("target_per_week"), f"{field}.target_per_week")
    if target is not None and target > MAX_RUBRIC_WEEKLY:
        raise ServiceError(
            _("No more than %(count)s posts a week in one rubric.") % {"count": MAX_RUBRIC_WEEKLY},
            field=f"{field}.target_per_week",
        )
    rubric = next(
        (
            rubric
            for rubric in Rubric.objects.filter(organisation=organisation)
            if rubric.name.casefold() == name.casefold()
        ),
        None,
    )
    try:
        if rubric is None:
            rubric = rubric_save(
                organisation=organisation,
                actor=membership.user,
                name=name,
                target_per_week=target,
            )
        elif strategy.library_id is None and rubric.target_per_week != target:
            rubric = rubric_save(
                organisation=organisation,
                actor=membership.user,
                rubric=rubric,
                target_per_week=target,
            )
    except ServiceError as error:
        raise ServiceError(error.message, field=f"{field}.{error.field or 'name'}") from None
    rubric.planned_target = target
    return rubric


def _content(strategy: Strategy, data: dict, membership: Membership) -> None:
    tone = data.get("tone") or ""
    if tone not in Tone.values and tone != "":
        raise ServiceError(_("Choose the tone of the posts."), field="tone")
    strategy.tone = tone
    strategy.tone_notes = _text(data.get("tone_notes"), "tone_notes")
    picture = data.get("picture_every_post", False)
    if not isinstance(picture, bool):
        raise ServiceError(_("Send true or false."), field="picture_every_post")
    strategy.picture_every_post = picture
    share = data.get("photo_report_share")
    if share is not None and (isinstance(share, bool) or not isinstance(share, int)):
        raise ServiceError(_("Send a whole number."), field="photo_report_share")
    if share is not None and not 0 <= share <= 100:
        raise ServiceError(_("A share is between 0 and 100 %."), field="photo_report_share")
    strategy.photo_report_share = share
    plans = []
    for index, row in enumerate(_list(data.get("rubrics"), "rubrics")):
        field = f"rubrics.{index}"
        row = _row(row, field)
        days = _integers(
            row.get("days"), 0, 6, f"{field}.days", _("Days are 0 (Monday) to 6 (Sunday).")
        )
        hours = _integers(row.get("hours"), 0, 23, f"{field}.hours", _("Hours are 0 to 23."))
        rubric = _rubric(strategy, row, field, membership)
        if rubric.pk in (plan.rubric_id for plan in plans):
            raise ServiceError(_("Each rubric once, please."), field=f"{field}.name")
        plans.append(
            RubricPlan(
                strategy=strategy,
                rubric=rubric,
                position=index,
                target_per_week=rubric.planned_target,
                days=days,
                hours=hours,
            )
        )
    strategy.rubric_plans.all().delete()
    RubricPlan.objects.bulk_create(plans)


def _communication(strategy: Strategy, data: dict, membership: Membership) -> None:
    days = data.get("answer_working_days")
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30:
            raise ServiceError(
                _("Answer within 1 to 30 working days."), field="answer_working_days"
            )
        if strategy.library_id is None and days != strategy.organisation.answer_working_days:
            # The inbox highlights conversations by the organisation's own target.
            strategy.organisation = organisation_update(
                organisation=strategy.organisation,
                actor=membership.user,
                answer_working_days=days,
            )
    strategy.answer_working_days = days
    strategy.negativity = _text(data.get("negativity"), "negativity")
    ids = _integers(
        data.get("canned_answer_ids"),
        1,
        2**63 - 1,
        "canned_answer_ids",
        _("Choose canned answers of this organisation."),
    )
    answers = list(CannedAnswer.objects.filter(organisation=strategy.organisation, pk__in=ids))
    if len(answers) != len(ids):
        raise ServiceError(
            _("Choose canned answers of this organisation."), field="canned_answer_ids"
        )
    strategy.canned_answers.set(answers)


def _resources(strategy: Strategy, data: dict, membership: Membership) -> None:
    duties = []
    for index, row in enumerate(_list(data.get("people"), "people")):
        field = f"people.{index}"
        row = _row(row, field)
        member = None
        member_id = row.get("member_id")
        if member_id is not None:
            if isinstance(member_id, bool) or not isinstance(member_id, int):
                raise ServiceError(
                    _("Choose a member of this organisation."), field=f"{field}.member_id"
                )
            member = Membership.objects.filter(
                organisation=strategy.organisation, pk=member_id, is_active=True
            ).first()
            if member is None:
                raise ServiceError(
                    _("Choose a member of this organisation."), field=f"{field}.member_id"
                )
        person = _text(row.get("person"), f"{field}.person", limit=200)
        if member is None and not person:
            raise ServiceError(_("Say who does this work."), field=f"{field}.person")
        work = _text(row.get("work"), f"{field}.work", limit=300)
        if not work:
            raise ServiceError(_("Say what this person does."), field=f"{field}.work")
        hours = _decimal(
            row.get("hours_per_week"),
            f"{field}.hours_per_week",
            required_message=_("Give the hours a week this work takes."),
        )
        if not 0 < hours <= MAX_HOURS_A_WEEK:
            raise ServiceError(
                _("Between 0.5 and %(hours)s hours a week.") % {"hours": MAX_HOURS_A_WEEK},
                field=f"{field}.hours_per_week",
            )
        duties.append(
            Duty(
                strategy=strategy,
                position=index,
                member=member,
                person=person,
                work=work,
                hours_per_week=hours,
            )
        )
    strategy.duties.all().delete()
    Duty.objects.bulk_create(duties)


def _pages(strategy: Strategy, data: dict, membership: Membership) -> None:
    chosen = {item.network: item for item in strategy.networks.all()}
    kinds = {}
    for index, row in enumerate(_list(data.get("pages"), "pages")):
        field = f"pages.{index}"
        row = _row(row, field)
        network = _network(row.get("network"), f"{field}.network")
        if network not in chosen:
            raise ServiceError(
                _("Choose this network in the step “Networks” first."), field=f"{field}.network"
            )
        kind = row.get("kind")
        if not isinstance(kind, str) or kind not in kinds_for(network):
            raise ServiceError(_("Choose a kind of page this network has."), field=f"{field}.kind")
        kinds[network] = kind
    for network, item in chosen.items():
        kind = kinds.get(network, item.kind)
        if kind != item.kind:
            item.kind = kind
            item.save(update_fields=["kind"])


STEP_WRITERS = {
    Step.GOALS: _goals,
    Step.AUDIENCE: _audience,
    Step.NETWORKS: _networks,
    Step.CONTENT: _content,
    Step.COMMUNICATION: _communication,
    Step.RESOURCES: _resources,
    Step.PAGES: _pages,
}


def _require_editor(membership: Membership, library: Library | None) -> None:
    if not can_edit_strategy(membership):
        raise ServiceError(_("Administrators and editors write the strategy."), code="forbidden")
    if library is not None:
        if library.organisation_id != membership.organisation_id:
            raise ServiceError(_("Choose a library of this organisation."), field="library")
        if not rules.can_access_library(membership, library):
            raise ServiceError(_("You may not write this library's strategy."), code="forbidden")


def _strategy_for_writing(membership: Membership, library: Library | None) -> Strategy:
    strategy, _created = Strategy.objects.select_for_update().get_or_create(
        organisation=membership.organisation, library=library
    )
    return strategy


@transaction.atomic
def strategy_steps_save(
    *, membership: Membership, steps: dict[str, dict], library: Library | None = None
) -> Strategy:
    """Save the given steps (each replaces what its step held), in the wizard's order;
    steps left out keep theirs. Nothing is saved when one of them is refused."""
    _require_editor(membership, library)
    unknown = [step for step in steps if step not in STEP_WRITERS]
    if unknown:
        raise ServiceError(_("Unknown step: %(step)s.") % {"step": unknown[0]}, field=unknown[0])
    strategy = _strategy_for_writing(membership, library)
    strategy.organisation = membership.organisation
    saved = []
    for step in STEPS:
        if step not in steps:
            continue
        data = steps[step]
        if not isinstance(data, dict):
            raise ServiceError(_("Send a JSON object."), field=step)
        try:
            STEP_WRITERS[step](strategy, data, membership)
        except ServiceError as error:
            error.field = f"{step}.{error.field}" if error.field else step
            raise
        saved.append(step)
        if step not in strategy.steps_done:
            strategy.steps_done = [*strategy.steps_done, step]
    if saved:
        strategy.last_step = saved[-1]
    strategy.updated_by = membership.user
    strategy.save()
    audit_record(
        action="strategy.changed",
        organisation=membership.organisation,
        actor=membership.user,
        obj=strategy,
        changes={"steps": [None, saved]},
    )
    return strategy


def strategy_step_save(
    *, membership: Membership, step: str, data: dict, library: Library | None = None
) -> Strategy:
    """Save one step as the wizard leaves it; a refusal's ``field`` is the step's own."""
    try:
        return strategy_steps_save(membership=membership, steps={step: data}, library=library)
    except ServiceError as error:
        if error.field and error.field.startswith(f"{step}."):
            error.field = error.field[len(step) + 1 :]
        elif error.field == step:
            error.field = None
        raise
