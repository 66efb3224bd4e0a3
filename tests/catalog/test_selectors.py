import datetime

import pytest

from tests.factories.catalog import MemorableDateFactory, RecordFactory
from vitrina.catalog import selectors
from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.catalog.selectors import RecordFilter

pytestmark = pytest.mark.django_db
P = Person


@pytest.fixture
def catalogue(organisation):
    def make(external_id, **fields):
        received_on = fields.pop("received_on", None)
        return RecordFactory(
            organisation=organisation,
            external_id=external_id,
            bib=BibRecord(**fields),
            received_on=received_on,
        )

    return {
        "purulent": make(
            "1",
            title="Очерки гнойной хирургии",
            authors=[P("Войно-Ясенецкий", "В. Ф.")],
            year="2000",
            isbn="5-7989-0175-3",
            subjects=["Хирургия", "Гнойная инфекция"],
            received_on=datetime.date(2026, 9, 1),
        ),
        "heart": make(
            "2",
            title="Хирургия сердца",
            other_title=["избранные труды"],
            authors=[P("Бакулев", "А. Н.")],
            year="1967",
            subjects=["Кардиохирургия"],
            received_on=datetime.date(2026, 10, 15),
        ),
        "letters": make(
            "3",
            title="Фронтовые письма медицинских сестёр",
            editors=[P("Туснолобова-Марченко", "З. М.")],
            year="2020",
            subjects=["Великая Отечественная война"],
        ),
    }


def titles(membership, **filters):
    return [
        record.title
        for record in selectors.record_list(membership=membership, filters=RecordFilter(**filters))
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "хирургией"}, {"Очерки гнойной хирургии", "Хирургия сердца"}),
        ({"q": "гнойная хирургия"}, {"Очерки гнойной хирургии"}),
        ({"q": "сердечная"}, set()),
        ({"q": "медицинское письмо"}, {"Фронтовые письма медицинских сестёр"}),
        ({"title": "сердцу"}, {"Хирургия сердца"}),
        ({"title": "Бакулев"}, set()),
        ({"author": "Бакулева"}, {"Хирургия сердца"}),
        ({"author": "Туснолобовой-Марченко"}, {"Фронтовые письма медицинских сестёр"}),
        ({"subject": "кардиохирургии"}, {"Хирургия сердца"}),
        ({"isbn": "5798901753"}, {"Очерки гнойной хирургии"}),
        ({"isbn": "5-7989-0175-3"}, {"Очерки гнойной хирургии"}),
        ({"year_from": 1990}, {"Очерки гнойной хирургии", "Фронтовые письма медицинских сестёр"}),
        ({"year_from": 1960, "year_to": 2000}, {"Очерки гнойной хирургии", "Хирургия сердца"}),
        ({"received_from": datetime.date(2026, 10, 1)}, {"Хирургия сердца"}),
        ({"received_to": datetime.date(2026, 9, 30)}, {"Очерки гнойной хирургии"}),
    ],
)
def test_search(catalogue, admin_membership, filters, expected):
    assert set(titles(admin_membership, **filters)) == expected


def test_newest_received_first(catalogue, admin_membership):
    assert titles(admin_membership) == [
        "Хирургия сердца",
        "Очерки гнойной хирургии",
        "Фронтовые письма медицинских сестёр",
    ]


def test_scoped_to_the_organisation(catalogue, admin_membership):
    other = RecordFactory(bib=BibRecord(title="Хирургия другой организации"))
    assert "Хирургия другой организации" not in titles(admin_membership, q="хирургия")
    assert selectors.record_get(membership=admin_membership, pk=other.pk) is None
    assert selectors.record_get(membership=admin_membership, pk=catalogue["heart"].pk)


def test_list_query_count_is_constant(
    organisation, admin_membership, django_assert_max_num_queries
):
    def count_queries(number):
        for index in range(number):
            RecordFactory(organisation=organisation, external_id=f"bulk-{number}-{index}")
        with django_assert_max_num_queries(1) as captured:
            list(
                selectors.record_list(membership=admin_membership, filters=RecordFilter(q="книга"))
            )
        return len(captured.captured_queries)

    assert count_queries(3) == count_queries(30)


def test_upcoming_dates_of_the_organisation(organisation, admin_membership):
    MemorableDateFactory(organisation=organisation, title="Бакулев", year=1890, month=12, day=7)
    MemorableDateFactory(title="Чужая персона", year=1890, month=12, day=8)
    found = selectors.memorable_date_upcoming(
        membership=admin_membership, today=datetime.date(2025, 12, 1), days=30
    )
    assert [(item.title, item.date, item.years) for item in found] == [
        ("Бакулев", datetime.date(2025, 12, 7), 135)
    ]
    assert [date.title for date in selectors.memorable_date_list(membership=admin_membership)] == [
        "Бакулев"
    ]
