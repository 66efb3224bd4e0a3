import pytest
from django.urls import reverse

from tests.factories.catalog import RecordFactory
from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.catalog.models import Record
from vitrina.core import paging

pytestmark = pytest.mark.django_db


@pytest.fixture
def surgery(organisation):
    for number in range(5):
        RecordFactory(
            organisation=organisation,
            bib=BibRecord(title=f"Хирургия {number}", authors=[Person("Иванов", "И. И.")]),
        )


def test_the_count_stops_at_the_cap(surgery):
    records = Record.objects.order_by("title")
    capped = paging.CappedPaginator(records, 2, cap=3)
    assert (capped.count, capped.capped, capped.num_pages) == (3, True, 2)
    whole = paging.CappedPaginator(records, 2, cap=10)
    assert (whole.count, whole.capped) == (5, False)


def test_a_broad_search_says_it_found_more(admin_client, organisation, surgery, monkeypatch):
    address = reverse("catalog:list", kwargs={"org": organisation.slug})
    assert "5 записей" in admin_client.get(address, {"q": "хирургия"}).content.decode()
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    body = admin_client.get(address, {"q": "хирургия"}).content.decode()
    assert "Больше 3 записей" in body
