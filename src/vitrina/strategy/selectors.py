"""Reads of the strategy, scoped to the acting person's organisation; ``strategy_data``
gives a strategy as the plain structure the wizard, the API and the document share."""

from django.db.models import Prefetch, QuerySet

from vitrina.channels.models import Channel
from vitrina.channels.networks import KIND_HELP, Kind
from vitrina.channels.providers.registry import connectable_networks, kinds_for, provider_class
from vitrina.core.models import Library, Membership
from vitrina.strategy.models import STEPS, Strategy


def library_get(*, membership: Membership, pk: int) -> Library | None:
    return Library.objects.filter(organisation=membership.organisation, pk=pk).first()


def _with_steps(strategies: QuerySet[Strategy]) -> QuerySet[Strategy]:
    return strategies.select_related("library", "organisation").prefetch_related(
        "goals",
        "networks",
        "duties__member__user",
        "rubric_plans__rubric",
        Prefetch("canned_answers"),
    )


def strategy_get(*, membership: Membership, library: Library | None = None) -> Strategy | None:
    """The organisation's strategy (or a library's own), with every step, or None when
    nobody has started it."""
    strategies = Strategy.objects.filter(organisation=membership.organisation)
    if library is None:
        strategies = strategies.filter(library__isnull=True)
    else:
        strategies = strategies.filter(library=library)
    return _with_steps(strategies).first()


def library_strategies(*, membership: Membership) -> QuerySet[Strategy]:
    """The libraries' own strategies, by library name."""
    return (
        Strategy.objects.filter(organisation=membership.organisation, library__isnull=False)
        .select_related("library")
        .order_by("library__name")
    )


def profile_channels(*, membership: Membership) -> QuerySet[Channel]:
    """The organisation's channels that are a person's profile kept as a library's page."""
    return Channel.objects.filter(
        organisation=membership.organisation, kind=Kind.PROFILE, archived_at__isnull=True
    ).select_related("library")


def next_step(strategy: Strategy | None) -> str:
    """Where the wizard resumes: the first step not saved yet (the last one left when all
    are saved)."""
    if strategy is None:
        return STEPS[0]
    for step in STEPS:
        if step not in strategy.steps_done:
            return step
    return strategy.last_step or STEPS[0]


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def strategy_data(strategy: Strategy | None) -> dict:
    """The seven steps as plain values (numbers, text, lists), each as the services take
    it; an empty strategy when there is none."""
    if strategy is None:
        return {
            "steps_done": [],
            "goals": {"purposes": [], "goals": []},
            "audience": {"geography": "", "age_groups": [], "interests": ""},
            "networks": {"networks": []},
            "content": {
                "tone": "",
                "tone_notes": "",
                "picture_every_post": False,
                "photo_report_share": None,
                "rubrics": [],
            },
            "communication": {
                "answer_working_days": None,
                "negativity": "",
                "canned_answer_ids": [],
            },
            "resources": {"people": []},
            "pages": {"pages": []},
        }
    return {
        "steps_done": [step for step in STEPS if step in strategy.steps_done],
        "goals": {
            "purposes": list(strategy.purposes),
            "goals": [
                {
                    "title": goal.title,
                    "metric": goal.metric,
                    "network": goal.network,
                    "target": _number(goal.target),
                    "baseline": _number(goal.baseline),
                    "deadline": goal.deadline,
                }
                for goal in strategy.goals.all()
            ],
        },
        "audience": {
            "geography": strategy.geography,
            "age_groups": list(strategy.age_groups),
            "interests": strategy.interests,
        },
        "networks": {
            "networks": [
                {"network": item.network, "reason": item.reason} for item in strategy.networks.all()
            ]
        },
        "content": {
            "tone": strategy.tone,
            "tone_notes": strategy.tone_notes,
            "picture_every_post": strategy.picture_every_post,
            "photo_report_share": strategy.photo_report_share,
            "rubrics": [
                {
                    "rubric_id": plan.rubric_id,
                    "name": plan.rubric.name,
                    "target_per_week": _number(plan.target_per_week),
                    "days": list(plan.days),
                    "hours": list(plan.hours),
                }
                for plan in strategy.rubric_plans.all()
            ],
        },
        "communication": {
            "answer_working_days": strategy.answer_working_days,
            "negativity": strategy.negativity,
            "canned_answer_ids": sorted(answer.pk for answer in strategy.canned_answers.all()),
        },
        "resources": {
            "people": [
                {
                    "member_id": duty.member_id,
                    "person": duty.person,
                    "work": duty.work,
                    "hours_per_week": _number(duty.hours_per_week),
                }
                for duty in strategy.duties.all()
            ]
        },
        "pages": {
            "pages": [
                {"network": item.network, "kind": item.kind}
                for item in strategy.networks.all()
                if item.kind
            ]
        },
    }


def network_facts(network: str) -> dict:
    """What the registry says of a network for the strategy: its name, the kinds of page
    and what each means there, the kind meant for a library, and whether an official page
    is required."""
    cls = provider_class(network)
    notes = dict(getattr(cls, "kind_notes", {}) or {})
    return {
        "network": network,
        "title": getattr(cls, "title", "") or network,
        "recommended_kind": getattr(cls, "recommended_kind", ""),
        "official_page_required": bool(getattr(cls, "official_page_required", False)),
        "kinds": [
            {
                "kind": kind,
                "label": Kind(kind).label,
                "note": str(notes.get(kind) or KIND_HELP.get(kind, "")),
                # A person's account kept as a library's page is flagged.
                "not_for_library": kind == Kind.PROFILE,
            }
            for kind in kinds_for(network)
        ],
    }


def networks_facts() -> list[dict]:
    """``network_facts`` of every network Vitrina works with."""
    return [network_facts(network) for network in connectable_networks()]
