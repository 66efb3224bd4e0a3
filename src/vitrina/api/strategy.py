"""The strategy over the API: the seven steps, read and written.

``PUT`` replaces each step it sends and keeps the steps it leaves out, all or nothing:
a refused goal (no measurable figure, no deadline) saves none of the steps sent.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from vitrina.api.auth import membership_or_404
from vitrina.api.errors import ApiError
from vitrina.api.schemas import BodyId, BodyIn, ErrorOut, Flag, Id, IsoDate
from vitrina.channels.networks import Kind
from vitrina.channels.providers.registry import connectable_networks
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.strategy import selectors
from vitrina.strategy.health.report import health_report, overall
from vitrina.strategy.metrics import METRICS
from vitrina.strategy.models import STEPS, AgeGroup, Purpose, Tone
from vitrina.strategy.services import MAX_ROWS, strategy_steps_save

router = Router(tags=["strategy"])


def _json_number(value):
    if isinstance(value, str | bool):
        raise PydanticCustomError("decimal_type", "not a number")
    return value


# Numbers as JSON numbers (the schema says "number", never a string).
Figure = Annotated[
    float,
    Field(ge=0, le=1_000_000_000, allow_inf_nan=False),
    BeforeValidator(_json_number),
]
WholeNumber = Annotated[int, BeforeValidator(_json_number)]
Text = Annotated[str, Field(max_length=5000)]
NetworkKey = Literal[tuple(connectable_networks())]
MetricKey = Literal[tuple(METRICS)]


class GoalIn(BodyIn):
    title: str = Field("", max_length=200)
    metric: MetricKey = Field(..., description="The figure Vitrina measures it by")
    network: NetworkKey | Literal[""] = Field("", description="For a figure of one network")
    target: Figure | None = Field(None, description="The figure to reach (required)")
    baseline: Figure | None = None
    deadline: IsoDate | None = Field(None, description="By when (required, ahead of today)")


class GoalsIn(BodyIn):
    purposes: list[Literal[tuple(Purpose.values)]] = Field([], max_length=len(Purpose.values))
    goals: list[GoalIn] = Field([], max_length=MAX_ROWS)


class AudienceIn(BodyIn):
    geography: Text = ""
    age_groups: list[Literal[tuple(AgeGroup.values)]] = Field([], max_length=len(AgeGroup.values))
    interests: Text = ""


class NetworkIn(BodyIn):
    network: NetworkKey
    reason: Text = ""


class NetworksIn(BodyIn):
    networks: list[NetworkIn] = Field([], max_length=MAX_ROWS)


class RubricIn(BodyIn):
    name: str = Field(..., min_length=1, max_length=120)
    target_per_week: (
        Annotated[float, Field(ge=0, le=50, allow_inf_nan=False), BeforeValidator(_json_number)]
        | None
    ) = None
    days: list[Annotated[WholeNumber, Field(ge=0, le=6)]] = Field([], max_length=7)
    hours: list[Annotated[WholeNumber, Field(ge=0, le=23)]] = Field([], max_length=24)


class ContentIn(BodyIn):
    tone: Literal[tuple(Tone.values)] | Literal[""] = ""
    tone_notes: Text = ""
    picture_every_post: Flag = False
    photo_report_share: Annotated[WholeNumber, Field(ge=0, le=100)] | None = None
    rubrics: list[RubricIn] = Field([], max_length=MAX_ROWS)


class CommunicationIn(BodyIn):
    answer_working_days: Annotated[WholeNumber, Field(ge=1, le=30)] | None = None
    negativity: Text = ""
    canned_answer_ids: list[BodyId] = Field([], max_length=MAX_ROWS)


class DutyIn(BodyIn):
    member_id: BodyId | None = None
    person: str = Field("", max_length=200)
    work: str = Field(..., min_length=1, max_length=300)
    hours_per_week: Annotated[
        float, Field(gt=0, le=60, allow_inf_nan=False), BeforeValidator(_json_number)
    ]


class ResourcesIn(BodyIn):
    people: list[DutyIn] = Field([], max_length=MAX_ROWS)


class PageIn(BodyIn):
    network: NetworkKey
    kind: Literal[tuple(Kind.values)]


class PagesIn(BodyIn):
    pages: list[PageIn] = Field([], max_length=MAX_ROWS)


class StrategyIn(BodyIn):
    """Any of the seven steps; each one sent replaces what the step held."""

    goals: GoalsIn | None = None
    audience: AudienceIn | None = None
    networks: NetworksIn | None = None
    content: ContentIn | None = None
    communication: CommunicationIn | None = None
    resources: ResourcesIn | None = None
    pages: PagesIn | None = None


class GoalOut(Schema):
    title: str
    metric: str
    network: str
    target: float
    baseline: float | None
    deadline: date
    measured: bool = Field(..., description="false: Vitrina does not count this figure yet")


class GoalsOut(Schema):
    purposes: list[str]
    goals: list[GoalOut]


class AudienceOut(Schema):
    geography: str
    age_groups: list[str]
    interests: str


class NetworkOut(Schema):
    network: str
    reason: str


class NetworksOut(Schema):
    networks: list[NetworkOut]


class RubricPlanOut(Schema):
    rubric_id: int
    name: str
    target_per_week: float | None
    days: list[int]
    hours: list[int]


class ContentOut(Schema):
    tone: str
    tone_notes: str
    picture_every_post: bool
    photo_report_share: int | None
    rubrics: list[RubricPlanOut]


class CommunicationOut(Schema):
    answer_working_days: int | None
    negativity: str
    canned_answer_ids: list[int]


class DutyOut(Schema):
    member_id: int | None
    person: str
    work: str
    hours_per_week: float


class ResourcesOut(Schema):
    people: list[DutyOut]


class PageOut(Schema):
    network: str
    kind: str
    personal_profile: bool = Field(..., description="A person's profile kept as the page")


class PagesOut(Schema):
    pages: list[PageOut]


class StrategyOut(Schema):
    library_id: int | None
    steps_done: list[str]
    updated_at: datetime | None
    goals: GoalsOut
    audience: AudienceOut
    networks: NetworksOut
    content: ContentOut
    communication: CommunicationOut
    resources: ResourcesOut
    pages: PagesOut


def strategy_out(strategy, library) -> dict:
    data = selectors.strategy_data(strategy)
    for goal in data["goals"]["goals"]:
        goal["measured"] = METRICS[goal["metric"]].measured if goal["metric"] in METRICS else False
    for page in data["pages"]["pages"]:
        page["personal_profile"] = page["kind"] == Kind.PROFILE
    data["library_id"] = library.pk if library else None
    data["updated_at"] = strategy.updated_at if strategy else None
    return data


def _scope(membership: Membership, library_id: int | None):
    if library_id is None:
        return None
    library = selectors.library_get(membership=membership, pk=library_id)
    if library is None:
        raise ApiError(404, "not_found", _("No such library."))
    return library


@router.get(
    "/organisations/{org_slug}/strategy",
    response={200: StrategyOut, 404: ErrorOut},
    summary="The strategy in seven steps (empty steps when nobody has started it)",
    description="`library_id`: a library's own strategy instead of the organisation's.",
)
def strategy_read(request, org_slug: str, library_id: Id | None = None):
    membership = membership_or_404(request, org_slug)
    library = _scope(membership, library_id)
    strategy = selectors.strategy_get(membership=membership, library=library)
    return strategy_out(strategy, library)


@router.put(
    "/organisations/{org_slug}/strategy",
    response={200: StrategyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Write steps of the strategy (administrators and editors)",
    description=(
        "Each step sent replaces what it held; steps left out keep theirs. A goal needs a "
        "figure Vitrina measures (`metric`), a `target` and a `deadline` ahead of today; "
        "a refusal names the place in `details.field` (`goals.goals.0.deadline`) and saves "
        "nothing. Rubrics of the content step are the content module's rubrics (created "
        "when new); the organisation's answer target becomes the inbox's."
    ),
)
def strategy_write(request, org_slug: str, payload: StrategyIn, library_id: Id | None = None):
    membership = membership_or_404(request, org_slug)
    library = _scope(membership, library_id)
    steps = {}
    for step in STEPS:
        value = getattr(payload, step)
        if value is not None:
            steps[step] = value.model_dump()
    try:
        strategy = strategy_steps_save(membership=membership, steps=steps, library=library)
    except ServiceError as error:
        if error.code == "forbidden":
            raise ApiError(403, "forbidden", error.message) from None
        raise
    strategy = selectors.strategy_get(membership=membership, library=library)
    return strategy_out(strategy, library)


class HealthRowOut(Schema):
    subject: str
    status: Literal["good", "attention", "bad", "unknown"]
    text: str
    advice: str
    confirmed_by_hand: bool = Field(
        ..., description="A fact the network does not tell was confirmed by a librarian"
    )
    figures: dict[str, Any]


class HealthCheckOut(Schema):
    key: str
    title: str
    status: Literal["good", "attention", "bad", "unknown"]
    note: str
    rows: list[HealthRowOut]


class HealthOut(Schema):
    checked_at: datetime
    status: Literal["good", "attention", "bad", "unknown"]
    checks: list[HealthCheckOut]


@router.get(
    "/organisations/{org_slug}/strategy/health",
    response={200: HealthOut, 404: ErrorOut},
    summary="The strategy's health checks, checked now",
    description=(
        "Each check (`regularity`, `rubrics`, `timing`, `formats`, `answers`, `goals`, "
        "`pages`) with its verdict and a row per channel, rubric, goal or page: its "
        "figures, their meaning in words and what to do. Over the last four weeks."
    ),
)
def strategy_health(request, org_slug: str):
    membership = membership_or_404(request, org_slug)
    now = timezone.now()
    checks = health_report(organisation=membership.organisation, now=now)
    return {
        "checked_at": now,
        "status": overall(checks),
        "checks": [check.as_dict() for check in checks],
    }
