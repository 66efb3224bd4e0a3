from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import LibraryFactory
from tests.factories.inbox import CannedAnswerFactory
from vitrina.content.models import Rubric
from vitrina.core.roles import Role
from vitrina.core.services import api_token_create
from vitrina.strategy.models import Strategy

pytestmark = pytest.mark.django_db
PATH = "/api/v1/organisations/cbs/strategy"


def ahead(days=120):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


class Api:
    def __init__(self, client, user):
        _token, raw = api_token_create(user=user, name="tests")
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def get(self, path=PATH, **params):
        return self.client.get(path, params, **self.headers)

    def put(self, data, path=PATH):
        return self.client.put(path, data, content_type="application/json", **self.headers)


@pytest.fixture
def api(client, admin):
    return Api(client, admin)


def test_an_empty_strategy_reads_as_seven_empty_steps(api):
    answer = api.get()
    assert answer.status_code == 200
    body = answer.json()
    assert body["steps_done"] == [] and body["goals"] == {"purposes": [], "goals": []}
    assert body["library_id"] is None and body["updated_at"] is None


def test_write_and_read_the_steps(api, organisation):
    canned = CannedAnswerFactory(organisation=organisation)
    answer = api.put(
        {
            "goals": {
                "purposes": ["support"],
                "goals": [
                    {
                        "metric": "answered_in_time_share",
                        "target": 100,
                        "baseline": 70,
                        "deadline": ahead(),
                    },
                    {"metric": "event_people", "target": 40, "deadline": ahead()},
                ],
            },
            "content": {
                "rubrics": [
                    {"name": "Что почитать?", "target_per_week": 1, "days": [4], "hours": [17]}
                ]
            },
            "communication": {"answer_working_days": 1, "canned_answer_ids": [canned.pk]},
            "networks": {"networks": [{"network": "ok", "reason": "Пенсионеры"}]},
            "pages": {"pages": [{"network": "ok", "kind": "profile"}]},
        }
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["steps_done"] == ["goals", "networks", "content", "communication", "pages"]
    assert [goal["measured"] for goal in body["goals"]["goals"]] == [True, False]
    assert body["goals"]["goals"][0]["baseline"] == 70
    assert body["content"]["rubrics"][0]["name"] == "Что почитать?"
    assert Rubric.objects.get(name="Что почитать?").target_per_week == 1
    assert body["pages"]["pages"] == [
        {"network": "ok", "kind": "profile", "personal_profile": True}
    ]
    # A later PUT of one step keeps the others.
    api.put({"audience": {"geography": "Медногорск"}})
    body = api.get().json()
    assert body["audience"]["geography"] == "Медногорск"
    assert len(body["goals"]["goals"]) == 2


@pytest.mark.parametrize(
    ("goal", "field"),
    [
        ({"metric": "new_subscribers", "network": "vk", "target": 200}, "goals.goals.0.deadline"),
        (
            {"metric": "new_subscribers", "network": "vk", "deadline": ahead()},
            "goals.goals.0.target",
        ),
        (
            {"metric": "new_subscribers", "target": 200, "deadline": ahead()},
            "goals.goals.0.network",
        ),
    ],
)
def test_a_goal_without_a_figure_or_a_deadline_is_refused_with_the_reason(api, goal, field):
    answer = api.put({"audience": {"geography": "x"}, "goals": {"goals": [goal]}})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["details"]["field"] == field and error["message"]
    assert not Strategy.objects.exists()  # nothing of the request is saved


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "strategy",
        None,
        {"goals": "all"},
        {"goals": {"goals": [{"metric": "fame", "target": 1, "deadline": "2099-01-01"}]}},
        {
            "goals": {
                "goals": [{"metric": "posts_per_week", "target": "3", "deadline": "2099-01-01"}]
            }
        },
        {
            "goals": {
                "goals": [{"metric": "posts_per_week", "target": 1e308, "deadline": "2099-01-01"}]
            }
        },
        {"goals": {"goals": [{"metric": "posts_per_week", "target": 3, "deadline": "2099-13-01"}]}},
        {"goals": {"goals": [{"metric": "posts_per_week", "target": 3, "deadline": 4102444800}]}},
        {"goals": {"goals": [{"metric": "posts_per_week", "target": 3, "deadline": "1999-01-01"}]}},
        {"audience": {"age_groups": ["cats"]}},
        {"audience": {"geography": "x" * 5001}},
        {"content": {"rubrics": [{"name": "А", "hours": [24]}]}},
        {"content": {"rubrics": [{"name": "А", "days": ["пн"]}]}},
        {"content": {"photo_report_share": 101}},
        {"content": {"picture_every_post": 1}},
        {"communication": {"answer_working_days": 0}},
        {"communication": {"canned_answer_ids": [2**63]}},
        {"communication": {"canned_answer_ids": [999999]}},
        {"resources": {"people": [{"work": "x", "hours_per_week": 1}]}},
        {"resources": {"people": [{"member_id": 999999, "work": "x", "hours_per_week": 1}]}},
        {"pages": {"pages": [{"network": "vk", "kind": "group"}]}},
        {"pages": {"pages": [{"network": "website", "kind": "site"}]}},
        {"networks": {"networks": [{"network": "vk"}, {"network": "vk"}]}},
        {"networks": {"networks": [{"network": "vk"}] * 31}},
    ],
)
def test_bad_input_is_a_structured_400(api, payload):
    answer = api.put(payload)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["code"] == "invalid"


def test_a_reader_reads_but_may_not_write(client, member_factory):
    reader = Api(client, member_factory(role=Role.ANALYST).user)
    assert reader.get().status_code == 200
    answer = reader.put({"audience": {"geography": "x"}})
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"


def test_a_library_strategy_and_other_organisations(api, library):
    answer = api.put({"audience": {"geography": "Село"}}, path=f"{PATH}?library_id={library.pk}")
    assert answer.status_code == 200 and answer.json()["library_id"] == library.pk
    assert api.get().json()["steps_done"] == []  # the organisation's is apart
    foreign = LibraryFactory()
    assert api.get(library_id=foreign.pk).status_code == 404
    assert api.put({}, path=f"{PATH}?library_id={foreign.pk}").status_code == 404
    assert api.get(path="/api/v1/organisations/elsewhere/strategy").status_code == 404
    assert api.get(library_id="0").status_code == 400
