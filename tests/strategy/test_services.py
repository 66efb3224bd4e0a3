from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.factories import LibraryFactory, MembershipFactory, RubricFactory
from tests.factories.inbox import CannedAnswerFactory
from vitrina.content.models import Rubric
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import AuditEntry
from vitrina.core.roles import Role
from vitrina.strategy.models import Goal, Strategy
from vitrina.strategy.selectors import strategy_data, strategy_get
from vitrina.strategy.services import strategy_step_save, strategy_steps_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The reasons are checked by their English wording (the pages show them in Russian).
    with translation.override("en"):
        yield


def ahead(days=120):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def goal(**fields):
    row = {"metric": "new_subscribers", "network": "vk", "target": 200, "deadline": ahead()}
    row.update(fields)
    return row


def save_goals(membership, *goals, purposes=()):
    return strategy_step_save(
        membership=membership,
        step="goals",
        data={"purposes": list(purposes), "goals": list(goals)},
    )


def refused(membership, step, data, library=None) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        strategy_step_save(membership=membership, step=step, data=data, library=library)
    return caught.value


def test_a_measurable_goal_is_saved_with_its_baseline(admin_membership):
    strategy = save_goals(
        admin_membership,
        goal(title="200 новых подписчиков ВКонтакте к декабрю", baseline=1195),
        goal(metric="catalogue_visits", network="", target=300),
        purposes=["communication", "traffic"],
    )
    goals = list(strategy.goals.all())
    assert [g.metric for g in goals] == ["new_subscribers", "catalogue_visits"]
    assert goals[0].baseline == Decimal("1195") and goals[0].network == "vk"
    assert goals[1].network == "" and goals[1].title.startswith("Visits from the networks")
    assert strategy.purposes == ["communication", "traffic"]
    assert strategy.steps_done == ["goals"]
    assert AuditEntry.objects.filter(action="strategy.changed").exists()


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (goal(metric="popularity"), "goals.0.metric", "figure Vitrina measures"),
        (goal(metric=None), "goals.0.metric", "figure Vitrina measures"),
        (goal(target=None), "goals.0.target", "figure to reach"),
        (goal(target=""), "goals.0.target", "figure to reach"),
        (goal(target=0), "goals.0.target", "above zero"),
        (goal(target=-5), "goals.0.target", "negative"),
        (goal(target="много"), "goals.0.target", "number"),
        (goal(target=float("inf")), "goals.0.target", "number"),
        (goal(target=10**12), "goals.0.target", "too large"),
        (goal(metric="answered_in_time_share", target=120), "goals.0.target", "100 %"),
        (
            goal(metric="answered_in_time_share", target=90, baseline=101),
            "goals.0.baseline",
            "100 %",
        ),
        (goal(deadline=None), "goals.0.deadline", "deadline"),
        (goal(deadline="к декабрю"), "goals.0.deadline", "YYYY-MM-DD"),
        (goal(deadline=timezone.localdate().isoformat()), "goals.0.deadline", "ahead"),
        (goal(deadline=ahead(-30)), "goals.0.deadline", "ahead"),
        (goal(deadline=ahead(365 * 11)), "goals.0.deadline", "within 10 years"),
        (goal(network=""), "goals.0.network", "Name the network"),
        (goal(network="myspace"), "goals.0.network", "networks Vitrina works with"),
        (goal(title="x" * 201), "goals.0.title", "200 characters"),
        ("двести подписчиков", "goals.0", "object"),
    ],
)
def test_a_goal_that_cannot_be_checked_is_refused_with_the_reason(
    admin_membership, row, field, reason
):
    error = refused(admin_membership, "goals", {"goals": [row]})
    assert error.field == field
    assert reason in error.message
    assert not Goal.objects.exists()


def test_goals_step_refusals_of_the_lists(admin_membership):
    assert refused(admin_membership, "goals", {"purposes": ["fame"]}).field == "purposes"
    assert refused(admin_membership, "goals", {"goals": "все"}).field == "goals"
    many = {"goals": [goal() for _ in range(31)]}
    assert "30 rows" in refused(admin_membership, "goals", many).message


def test_only_administrators_and_editors_write(member_factory):
    for role in (Role.AUTHOR, Role.ANALYST, Role.REFERENCE):
        error = refused(member_factory(role=role), "audience", {"geography": "Кемерово"})
        assert error.code == "forbidden"
    editor = member_factory(role=Role.EDITOR)
    strategy_step_save(membership=editor, step="audience", data={"geography": "Кемерово"})
    assert Strategy.objects.get().geography == "Кемерово"


def test_a_library_strategy_is_its_own_and_stays_in_its_organisation(
    admin_membership, library, member_factory
):
    strategy_step_save(membership=admin_membership, step="audience", data={"geography": "Город"})
    own = strategy_step_save(
        membership=admin_membership, library=library, step="audience", data={"geography": "Село"}
    )
    assert own.library == library and Strategy.objects.count() == 2
    assert strategy_get(membership=admin_membership).geography == "Город"
    foreign = LibraryFactory()
    assert refused(admin_membership, "audience", {}, library=foreign).field == "library"
    elsewhere = LibraryFactory(organisation=library.organisation)
    limited = member_factory(role=Role.EDITOR, libraries=[elsewhere])
    assert refused(limited, "audience", {}, library=library).code == "forbidden"


def test_audience_is_bounded(admin_membership):
    assert refused(admin_membership, "audience", {"age_groups": ["cats"]}).field == "age_groups"
    assert refused(admin_membership, "audience", {"geography": 5}).field == "geography"
    assert refused(admin_membership, "audience", {"interests": "x" * 5001}).field == "interests"
    strategy = strategy_step_save(
        membership=admin_membership,
        step="audience",
        data={"geography": " Кузбасс\x00 ", "age_groups": ["professionals", "professionals"]},
    )
    assert strategy.geography == "Кузбасс" and strategy.age_groups == ["professionals"]


def test_networks_then_their_pages(admin_membership):
    networks = {"networks": [{"network": "vk", "reason": "читатели там"}, {"network": "ok"}]}
    strategy_step_save(membership=admin_membership, step="networks", data=networks)
    strategy_step_save(
        membership=admin_membership,
        step="pages",
        data={"pages": [{"network": "vk", "kind": "public"}, {"network": "ok", "kind": "profile"}]},
    )
    # Saving the networks again keeps the kinds chosen for those that stay.
    strategy_step_save(
        membership=admin_membership, step="networks", data={"networks": [{"network": "ok"}]}
    )
    data = strategy_data(strategy_get(membership=admin_membership))
    assert data["networks"]["networks"] == [{"network": "ok", "reason": ""}]
    assert data["pages"]["pages"] == [{"network": "ok", "kind": "profile"}]
    assert data["steps_done"] == ["networks", "pages"]


def test_networks_and_pages_refusals(admin_membership):
    twice = {"networks": [{"network": "vk"}, {"network": "vk"}]}
    assert refused(admin_membership, "networks", twice).field == "networks.1.network"
    assert (
        refused(admin_membership, "networks", {"networks": [{"network": "website"}]}).field
        == "networks.0.network"
    )
    strategy_step_save(
        membership=admin_membership, step="networks", data={"networks": [{"network": "telegram"}]}
    )
    not_chosen = refused(admin_membership, "pages", {"pages": [{"network": "vk", "kind": "group"}]})
    assert not_chosen.field == "pages.0.network" and "Networks" in not_chosen.message
    # Telegram has no public pages: the kinds come from the provider registry.
    wrong_kind = {"pages": [{"network": "telegram", "kind": "public"}]}
    assert refused(admin_membership, "pages", wrong_kind).field == "pages.0.kind"


def test_the_content_step_writes_the_content_modules_rubrics(admin_membership, organisation):
    existing = RubricFactory(organisation=organisation, name="Новые поступления", target_per_week=1)
    strategy = strategy_step_save(
        membership=admin_membership,
        step="content",
        data={
            "tone": "personal",
            "picture_every_post": True,
            "photo_report_share": 30,
            "rubrics": [
                {"name": "новые поступления", "target_per_week": 2, "days": [3, 1], "hours": [10]},
                {"name": "Памятные даты", "target_per_week": 0.5, "days": [4], "hours": [18, 9]},
            ],
        },
    )
    existing.refresh_from_db()
    assert existing.target_per_week == Decimal("2.0")
    created = Rubric.objects.get(organisation=organisation, name="Памятные даты")
    assert created.target_per_week == Decimal("0.5")
    assert Rubric.objects.filter(organisation=organisation).count() == 2
    plans = list(strategy.rubric_plans.all())
    assert [plan.rubric for plan in plans] == [existing, created]
    assert plans[0].days == [1, 3] and plans[1].hours == [9, 18]
    assert strategy.tone == "personal" and strategy.photo_report_share == 30
    # Dropping a rubric from the plan keeps the rubric (its posts stay with it).
    strategy_step_save(membership=admin_membership, step="content", data={"rubrics": []})
    assert Rubric.objects.filter(organisation=organisation).count() == 2


def test_a_library_strategy_does_not_change_the_organisations_targets(
    admin_membership, organisation, library
):
    rubric = RubricFactory(organisation=organisation, name="Краеведение", target_per_week=1)
    strategy = strategy_step_save(
        membership=admin_membership,
        library=library,
        step="content",
        data={"rubrics": [{"name": "Краеведение", "target_per_week": 3}]},
    )
    rubric.refresh_from_db()
    assert rubric.target_per_week == Decimal("1.0")
    assert strategy.rubric_plans.get().target_per_week == Decimal("3.0")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"tone": "angry"}, "tone"),
        ({"picture_every_post": "yes"}, "picture_every_post"),
        ({"photo_report_share": 101}, "photo_report_share"),
        ({"photo_report_share": "30"}, "photo_report_share"),
        ({"rubrics": [{"name": ""}]}, "rubrics.0.name"),
        ({"rubrics": [{"name": "А", "target_per_week": 51}]}, "rubrics.0.target_per_week"),
        ({"rubrics": [{"name": "А", "days": [7]}]}, "rubrics.0.days"),
        ({"rubrics": [{"name": "А", "hours": [24]}]}, "rubrics.0.hours"),
        ({"rubrics": [{"name": "А", "hours": [True]}]}, "rubrics.0.hours"),
        ({"rubrics": [{"name": "А"}, {"name": "а"}]}, "rubrics.1.name"),
    ],
)
def test_content_refusals(admin_membership, data, field):
    assert refused(admin_membership, "content", data).field == field


def test_communication_sets_the_inboxs_answer_target(admin_membership, organisation):
    mine = CannedAnswerFactory(organisation=organisation, title="Продление книг")
    strategy = strategy_step_save(
        membership=admin_membership,
        step="communication",
        data={
            "answer_working_days": 2,
            "negativity": "Отвечаем спокойно",
            "canned_answer_ids": [mine.pk],
        },
    )
    organisation.refresh_from_db()
    assert organisation.answer_working_days == 2
    assert list(strategy.canned_answers.all()) == [mine]
    theirs = CannedAnswerFactory(title="Чужой ответ")
    assert (
        refused(admin_membership, "communication", {"canned_answer_ids": [theirs.pk]}).field
        == "canned_answer_ids"
    )
    assert refused(admin_membership, "communication", {"answer_working_days": 0}).field == (
        "answer_working_days"
    )
    assert refused(admin_membership, "communication", {"answer_working_days": 31}).field == (
        "answer_working_days"
    )


def test_resources_name_who_and_how_many_hours(admin_membership, organisation):
    strategy = strategy_step_save(
        membership=admin_membership,
        step="resources",
        data={
            "people": [
                {"member_id": admin_membership.pk, "work": "Пишет посты", "hours_per_week": 6},
                {"person": "Фотограф отдела", "work": "Фотоотчёты", "hours_per_week": 1.5},
            ]
        },
    )
    duties = list(strategy.duties.all())
    assert duties[0].member == admin_membership and duties[1].hours_per_week == Decimal("1.5")
    stranger = MembershipFactory()
    for row, field in [
        ({"member_id": stranger.pk, "work": "x", "hours_per_week": 1}, "people.0.member_id"),
        ({"work": "x", "hours_per_week": 1}, "people.0.person"),
        ({"person": "Я", "hours_per_week": 1}, "people.0.work"),
        ({"person": "Я", "work": "x"}, "people.0.hours_per_week"),
        ({"person": "Я", "work": "x", "hours_per_week": 0}, "people.0.hours_per_week"),
        ({"person": "Я", "work": "x", "hours_per_week": 61}, "people.0.hours_per_week"),
    ]:
        assert refused(admin_membership, "resources", {"people": [row]}).field == field


def test_several_steps_are_saved_all_or_nothing(admin_membership):
    with pytest.raises(ServiceError) as caught:
        strategy_steps_save(
            membership=admin_membership,
            steps={
                "audience": {"geography": "Кемерово"},
                "goals": {"goals": [goal(deadline=None)]},
            },
        )
    assert caught.value.field == "goals.goals.0.deadline"
    assert not Strategy.objects.exists()
    with pytest.raises(ServiceError):
        strategy_steps_save(membership=admin_membership, steps={"health": {}})
