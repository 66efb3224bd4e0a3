import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument
from docx.shared import Mm

from tests.factories import ChannelFactory, LibraryFactory
from vitrina.content.models import Rubric
from vitrina.core.roles import Role
from vitrina.strategy.models import Strategy
from vitrina.strategy.services import strategy_step_save, strategy_steps_save

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"strategy:{name}", kwargs={"org": "cbs", **kwargs})


def ahead(days=120):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def management(total, initial=0):
    return {
        "rows-TOTAL_FORMS": str(total),
        "rows-INITIAL_FORMS": str(initial),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "30",
    }


def test_the_wizard_saves_each_step_as_it_is_left_and_resumes(admin_client):
    page = admin_client.get(url("overview"))
    assert page.status_code == 200
    assert url("goals") in page.content.decode()
    answer = admin_client.post(
        url("goals"),
        {
            "purposes": ["communication", "visits"],
            **management(2),
            "rows-0-title": "200 новых подписчиков ВКонтакте",
            "rows-0-metric": "new_subscribers",
            "rows-0-network": "vk",
            "rows-0-baseline": "1195",
            "rows-0-target": "200",
            "rows-0-deadline": ahead(),
            "go": "next",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == url("audience")
    strategy = Strategy.objects.get()
    assert strategy.steps_done == ["goals"] and strategy.goals.count() == 1
    # Leaving the audience step for another step (the step list) saves it first.
    answer = admin_client.post(
        url("audience"),
        {"geography": "Кемеровская область", "age_groups": ["professionals"], "go": "resources"},
    )
    assert answer["Location"] == url("resources")
    strategy.refresh_from_db()
    assert strategy.geography == "Кемеровская область"
    # The overview resumes at the first step not saved yet.
    page = admin_client.get(url("overview"))
    assert page.context["resume_url"] == url("networks")
    # The step shows what was saved.
    page = admin_client.get(url("goals"))
    assert "200 новых подписчиков ВКонтакте" in page.content.decode()
    # The date field holds the saved deadline in the form a browser's date field reads.
    assert f'value="{ahead()}"' in page.content.decode()
    # Saving the goals again with the row unchanged keeps the goal.
    admin_client.post(
        url("goals"),
        {
            **management(3, initial=1),
            "rows-0-title": "200 новых подписчиков ВКонтакте",
            "rows-0-metric": "new_subscribers",
            "rows-0-network": "vk",
            "rows-0-target": "200",
            "rows-0-deadline": ahead(),
            "go": "stay",
        },
    )
    assert strategy.goals.count() == 1


def test_a_refused_goal_is_shown_on_its_field_and_nothing_is_lost(admin_client):
    answer = admin_client.post(
        url("goals"),
        {
            **management(2),
            "rows-0-metric": "new_subscribers",
            "rows-0-network": "vk",
            "rows-0-target": "200",
            "rows-1-metric": "posts_per_week",
            "rows-1-deadline": ahead(),
            "go": "next",
        },
    )
    assert answer.status_code == 400
    rows = answer.context["formset"].forms
    assert rows[0].errors["deadline"] and "deadline" not in rows[1].errors
    assert not Strategy.objects.exists()
    # What was typed is still in the form.
    assert 'value="200"' in answer.content.decode()


def test_the_content_step_creates_rubrics_with_weekly_targets(admin_client, organisation):
    answer = admin_client.post(
        url("content"),
        {
            "tone": "personal",
            "picture_every_post": "on",
            "photo_report_share": "30",
            **management(2),
            "rows-0-name": "Виртуальные выставки",
            "rows-0-target_per_week": "1",
            "rows-0-days": ["2"],
            "rows-0-hours": "10, 18:00",
            "go": "stay",
        },
    )
    assert answer.status_code == 302
    rubric = Rubric.objects.get(organisation=organisation, name="Виртуальные выставки")
    assert rubric.target_per_week == 1
    plan = Strategy.objects.get().rubric_plans.get()
    assert plan.days == [2] and plan.hours == [10, 18]
    bad = admin_client.post(
        url("content"), {**management(1), "rows-0-name": "Ночь", "rows-0-hours": "25"}
    )
    assert bad.status_code == 400 and bad.context["formset"].forms[0].errors["hours"]


def test_the_pages_step_explains_each_kind_from_the_registry_and_flags_profiles(
    admin_client, admin_membership, library
):
    ChannelFactory(library=library, network="ok", kind="profile", name="Личная страница библиотеки")
    strategy_step_save(
        membership=admin_membership,
        step="networks",
        data={"networks": [{"network": "vk"}, {"network": "ok"}]},
    )
    page = admin_client.get(url("pages"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Личная страница библиотеки" in body
    assert page.context["form"].fields["kind_vk"].choices[-1][0] == "public"
    answer = admin_client.post(
        url("pages"), {"kind_vk": "public", "kind_ok": "group", "go": "done"}
    )
    assert answer["Location"] == url("overview")
    assert sorted(Strategy.objects.get().networks.values_list("kind", flat=True)) == [
        "group",
        "public",
    ]


def test_everyone_reads_only_administrators_and_editors_write(client, member_factory):
    analyst = member_factory(role=Role.ANALYST)
    client.force_login(analyst.user)
    assert client.get(url("overview")).status_code == 200
    assert client.get(url("goals")).status_code == 200
    assert client.post(url("audience"), {"geography": "x"}).status_code == 403
    assert client.get(url("library-start"), {"library": "1"}).status_code == 403
    assert not Strategy.objects.exists()


def test_a_library_strategy_through_the_pages(admin_client, library, organisation):
    answer = admin_client.get(url("library-start"), {"library": str(library.pk)})
    assert answer["Location"] == url("library-goals", library_id=library.pk)
    admin_client.post(url("library-audience", library_id=library.pk), {"geography": "Село"})
    assert Strategy.objects.get().library == library
    foreign = LibraryFactory()
    assert admin_client.get(url("library", library_id=foreign.pk)).status_code == 404
    assert admin_client.get(url("library-start"), {"library": "x" * 40}).status_code == 302


def test_the_overview_reads_a_fixed_number_of_queries(
    admin_client, admin_membership, organisation, django_assert_max_num_queries
):
    def grow(count):
        for _ in range(count):
            library = LibraryFactory(organisation=organisation)
            strategy_step_save(
                membership=admin_membership, library=library, step="audience", data={}
            )
            ChannelFactory(library=library, kind="profile", network="vk")
        strategy_step_save(
            membership=admin_membership,
            step="goals",
            data={
                "goals": [
                    {"metric": "posts_per_week", "target": 3, "deadline": ahead()}
                    for _ in range(count)
                ]
            },
        )

    grow(2)
    with django_assert_max_num_queries(20) as few:
        assert admin_client.get(url("overview")).status_code == 200
    grow(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = admin_client.get(url("overview"))
    assert len(page.context["library_strategies"]) == 10


def test_every_step_page_reads_a_fixed_number_of_queries(
    admin_client, admin_membership, django_assert_max_num_queries
):
    strategy_steps_save(
        membership=admin_membership,
        steps={
            "networks": {"networks": [{"network": "vk"}, {"network": "ok"}, {"network": "max"}]},
            "content": {"rubrics": [{"name": f"Рубрика {n}"} for n in range(6)]},
            "resources": {
                "people": [
                    {"person": f"Сотрудник {n}", "work": "посты", "hours_per_week": 2}
                    for n in range(6)
                ]
            },
        },
    )
    for step in ("goals", "audience", "networks", "content", "communication", "resources", "pages"):
        with django_assert_max_num_queries(25):
            assert admin_client.get(url(step)).status_code == 200


def test_the_document_a_director_approves(admin_client, admin_membership, organisation):
    assert admin_client.get(url("docx")).status_code == 404  # nothing written yet
    strategy_steps_save(
        membership=admin_membership,
        steps={
            "goals": {
                "purposes": ["communication"],
                "goals": [
                    {
                        "title": "300 переходов в электронный каталог в месяц",
                        "metric": "catalogue_visits",
                        "target": 300,
                        "baseline": 40,
                        "deadline": ahead(),
                    },
                    {
                        "metric": "new_subscribers",
                        "network": "vk",
                        "target": 200,
                        "baseline": 1195,
                        "deadline": ahead(60),
                    },
                ],
            },
            "audience": {"geography": "Кузбасс", "age_groups": ["professionals"]},
            "networks": {"networks": [{"network": "vk", "reason": "Там врачи области"}]},
            "content": {
                "tone": "personal",
                "rubrics": [
                    {
                        "name": "Новые поступления",
                        "target_per_week": 2,
                        "days": [0, 3],
                        "hours": [10],
                    },
                    {"name": "Памятные даты", "target_per_week": 0.5},
                ],
            },
            "communication": {"answer_working_days": 1},
            "resources": {
                "people": [{"person": "Иванова И. И.", "work": "Посты", "hours_per_week": 4}]
            },
            "pages": {"pages": [{"network": "vk", "kind": "profile"}]},
        },
    )
    answer = admin_client.get(url("docx"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    word = WordDocument(io.BytesIO(answer.content))
    section = word.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    for number, title in enumerate(
        ["Goals", "Audience", "Networks", "Content", "Communication", "Resources", "Page type"],
        start=1,
    ):
        assert any(text.startswith(f"{number}.") for text in headings), (number, title, headings)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in word.tables]
    goals = tables[0]
    assert goals[1][0] == "300 переходов в электронный каталог в месяц"
    assert goals[1][3] == "40" and goals[1][4] == "300"
    assert goals[2][3] == "1195"  # the baseline beside the target
    assert len(goals) == 3
    plan = next(
        table
        for table in tables
        if table[0][0] and any("Новые поступления" in row[0] for row in table)
    )
    weeks = plan[1][3:7]
    assert weeks == ["2", "2", "2", "2"]
    memorable = next(row for row in plan if row[0] == "Памятные даты")
    assert sorted(memorable[3:7]) == ["0", "0", "1", "1"]
    total = plan[-1]
    assert total[3:7] == [str(2 + int(m)) for m in memorable[3:7]]
    text = "\n".join(p.text for p in word.paragraphs) + str(tables)
    assert "Кузбасс" in text and "Там врачи области" in text and "Иванова И. И." in text


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("goals", {}),  # no management form
        ("goals", {**management(1), "rows-0-metric": "fame", "rows-0-target": "1e30"}),
        (
            "goals",
            {**management(1), "rows-0-metric": "posts_per_week", "rows-0-deadline": "2027-02-30"},
        ),
        ("goals", {"purposes": ["fame"], **management(0)}),
        ("audience", {"age_groups": ["cats"], "geography": "x" * 6000}),
        ("platforms", {**management(1), "rows-0-network": "website"}),
        ("content", {**management(1), "rows-0-name": "Ночь", "rows-0-hours": "²"}),
        ("content", {**management(1), "rows-0-name": "Ночь", "rows-0-days": ["9"]}),
        ("content", {"photo_report_share": "101", **management(0)}),
        ("communication", {"answer_working_days": "0", "canned_answer_ids": ["999999"]}),
        ("resources", {**management(1), "rows-0-member_id": "999999", "rows-0-work": "x"}),
        (
            "resources",
            {
                **management(1),
                "rows-0-person": "Я",
                "rows-0-work": "x",
                "rows-0-hours_per_week": "0",
            },
        ),
    ],
)
def test_bad_input_on_a_step_is_a_plain_400(admin_client, step, data):
    answer = admin_client.post(f"/o/cbs/strategy/{step}/", data)
    assert answer.status_code == 400
    assert not Strategy.objects.exists()
