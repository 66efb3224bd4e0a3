import datetime

import pytest
from django.utils import timezone

from tests.factories.catalog import MemorableDateFactory, RecordFactory
from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.core.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, admin):
    _token, raw = api_token_create(user=admin, name="tests")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    return lambda path, **params: client.get(f"/api/v1{path}", params, **headers)


@pytest.fixture
def heart(organisation):
    return RecordFactory(
        organisation=organisation,
        external_id="RU/KNMB/2",
        bib=BibRecord(
            title="Хирургия сердца",
            authors=[Person("Бакулев", "А. Н.")],
            places=["Москва"],
            publishers=["Медицина"],
            year="1967",
            isbn="5-225-00000-1",
            subjects=["Кардиохирургия"],
        ),
    )


def test_records_search_and_detail(api, organisation, heart):
    RecordFactory(organisation=organisation, bib=BibRecord(title="Фармакология"))
    answer = api("/organisations/cbs/catalogue/records", q="хирургии").json()
    assert answer["count"] == 1
    [item] = answer["items"]
    assert item["title"] == "Хирургия сердца"
    assert item["isbn"] == "5-225-00000-1"
    assert item["short_description"] == "Бакулев А. Н. Хирургия сердца. — Москва, 1967"
    assert item["description"].startswith("Бакулев, А. Н. Хирургия сердца / А. Н. Бакулев.")
    assert api("/organisations/cbs/catalogue/records", author="Бакулева").json()["count"] == 1
    assert api("/organisations/cbs/catalogue/records", year_to=1900).json()["count"] == 0
    detail = api(f"/organisations/cbs/catalogue/records/{heart.pk}").json()
    assert detail["subjects"] == ["Кардиохирургия"] and detail["external_id"] == "RU/KNMB/2"


def test_another_organisations_record_is_not_found(api):
    other = RecordFactory()
    response = api(f"/organisations/cbs/catalogue/records/{other.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api(f"/organisations/{other.organisation.slug}/catalogue/records").status_code == 404


def test_record_list_query_count_is_constant(api, organisation, django_assert_max_num_queries):
    for index in range(40):
        RecordFactory(organisation=organisation, external_id=f"bulk{index}")
    with django_assert_max_num_queries(6):
        assert api("/organisations/cbs/catalogue/records", limit=100).json()["count"] == 40


def test_upcoming_dates(api, organisation):
    # A day soon, never 29 February, so the anniversary exists fifty or a hundred years back.
    today = timezone.localdate() + datetime.timedelta(days=2)
    if (today.month, today.day) == (2, 29):
        today += datetime.timedelta(days=1)
    MemorableDateFactory(
        organisation=organisation,
        title="Юбиляр",
        year=today.year - 50,
        month=today.month,
        day=today.day,
    )
    [item] = api("/organisations/cbs/catalogue/dates/upcoming", days=10).json()
    assert (item["title"], item["years"], item["highlighted"], item["what"]) == (
        "Юбиляр",
        50,
        True,
        "birth",
    )
