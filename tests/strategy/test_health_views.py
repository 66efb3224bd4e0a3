from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ChannelFactory, MembershipFactory
from tests.factories.content import RubricFactory
from tests.strategy.health_history import publish, vk
from vitrina.core.roles import Role
from vitrina.core.services import api_token_create
from vitrina.strategy.models import Goal, HealthRun, PageFact, RubricPlan, Strategy

pytestmark = pytest.mark.django_db
API = "/api/v1/organisations/cbs/strategy/health"


def url(name):
    return reverse(f"strategy:{name}", kwargs={"org": "cbs"})


def days_ago(days):
    return timezone.now() - timedelta(days=days, minutes=1)


def history(organisation, library, size):
    strategy = Strategy.objects.create(organisation=organisation, picture_every_post=True)
    rubrics = [RubricFactory(organisation=organisation, target_per_week=2) for _ in range(size)]
    for rubric in rubrics:
        RubricPlan.objects.create(strategy=strategy, rubric=rubric, days=[1], hours=[10])
        Goal.objects.create(
            strategy=strategy,
            title=f"Цель {rubric.pk}",
            metric="posts_per_week",
            target=3,
            deadline=timezone.localdate() + timedelta(days=60),
        )
    for index in range(size):
        channel = vk(library)
        for day in range(0, 28, 4):
            publish(channel, days_ago(day), rubric=rubrics[index], picture=day % 8 == 0)


@pytest.mark.parametrize("size", [1, 4])
def test_the_page_shows_every_check_in_a_fixed_number_of_queries(
    admin_client, organisation, library, size, django_assert_max_num_queries
):
    history(organisation, library, size)
    with django_assert_max_num_queries(30):
        page = admin_client.get(url("health"))  # checked on the first visit
    assert page.status_code == 200
    text = page.content.decode()
    for key in ("regularity", "rubrics", "timing", "formats", "answers", "goals", "pages"):
        assert f'id="check-{key}"' in text
    with django_assert_max_num_queries(12):
        assert admin_client.get(url("health")).status_code == 200  # the stored checks
    with django_assert_max_num_queries(30):
        assert admin_client.post(url("health-check")).status_code == 302


def test_check_now_stores_fresh_results(admin_client, organisation, library):
    admin_client.get(url("health"))
    first = HealthRun.objects.get().checked_at
    answer = admin_client.post(url("health-check"))
    assert answer.status_code == 302 and answer["Location"] == url("health")
    assert HealthRun.objects.get().checked_at > first
    assert admin_client.get(url("health-check")).status_code == 405


def test_a_page_fact_is_confirmed_from_the_page(client, organisation, library, member_factory):
    editor = member_factory(role=Role.EDITOR)
    page = vk(library)
    client.force_login(editor.user)
    answer = client.post(
        url("health-page-fact"), {"channel": page.pk, "fact": "address", "confirmed": "1"}
    )
    assert answer.status_code == 302
    fact = PageFact.objects.get()
    assert fact.confirmed_by == editor.user
    shown = client.get(url("health")).content.decode()
    assert "подтверждено вручную" in shown
    # Bad input is answered on the page, never with an error.
    for data in ({"channel": "x", "fact": "address"}, {"channel": page.pk, "fact": "avatar"}, {}):
        answer = client.post(url("health-page-fact"), data, follow=True)
        assert answer.status_code == 200
    assert PageFact.objects.count() == 1


def test_authors_read_the_page_but_do_not_confirm(client, organisation, library, member_factory):
    author = member_factory(role=Role.AUTHOR)
    page = vk(library)
    client.force_login(author.user)
    assert client.get(url("health")).status_code == 200
    answer = client.post(url("health-page-fact"), {"channel": page.pk, "fact": "address"})
    assert answer.status_code == 403
    assert not PageFact.objects.exists()


def test_another_organisations_page_cannot_be_confirmed(admin_client, organisation):
    foreign = vk(ChannelFactory().library)
    admin_client.post(url("health-page-fact"), {"channel": foreign.pk, "fact": "address"})
    assert not PageFact.objects.exists()


class TestApi:
    def headers(self, user):
        _token, raw = api_token_create(user=user, name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def test_the_checks_with_status_and_figures(self, client, admin, organisation, library):
        history(organisation, library, 1)
        answer = client.get(API, **self.headers(admin))
        assert answer.status_code == 200
        data = answer.json()
        assert data["status"] in {"good", "attention", "bad", "unknown"}
        checks = {check["key"]: check for check in data["checks"]}
        assert list(checks) == [
            "regularity",
            "rubrics",
            "timing",
            "formats",
            "answers",
            "goals",
            "pages",
        ]
        regularity = checks["regularity"]["rows"][0]
        assert regularity["figures"]["posts"] == 7
        assert regularity["figures"]["posts_per_week"] == 1.8
        assert checks["goals"]["rows"][0]["figures"]["target"] == 3.0
        ok = [row for row in checks["pages"]["rows"] if row["figures"].get("network") == "ok"]
        assert ok[0]["status"] == "bad"

    def test_another_organisation_is_a_structured_404(self, client, organisation):
        stranger = MembershipFactory(role=Role.ADMIN)
        answer = client.get(API, **self.headers(stranger.user))
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


class TestApiEdges:
    def headers(self, user):
        _token, raw = api_token_create(user=user, name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    @pytest.mark.parametrize("slug", ["nope", "%00", "a" * 300, "cbs%2F..", "ЦБС"])
    def test_odd_organisations_answer_a_structured_404(self, client, admin, slug):
        answer = client.get(f"/api/v1/organisations/{slug}/strategy/health", **self.headers(admin))
        assert answer.status_code == 404
        assert answer.json()["error"]["code"]

    def test_without_a_token_it_is_refused_in_json(self, client, organisation):
        answer = client.get(API)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"]

    @pytest.mark.parametrize("size", [1, 4])
    def test_a_fixed_number_of_queries(
        self, client, admin, organisation, library, size, django_assert_max_num_queries
    ):
        history(organisation, library, size)
        headers = self.headers(admin)
        with django_assert_max_num_queries(25):
            assert client.get(API, **headers).status_code == 200
