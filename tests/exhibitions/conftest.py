import pytest

from tests.factories import ChannelFactory, OrganisationFactory
from tests.factories.catalog import RecordFactory
from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.channels.networks import Kind, Network
from vitrina.exhibitions import services


def book(organisation, title, author, year="2020", isbn=""):
    return RecordFactory(
        organisation=organisation,
        bib=BibRecord(
            title=title,
            authors=[Person(*author)] if author else [],
            places=["Москва"],
            publishers=["Медицина"],
            year=year,
            pages="300",
            isbn=isbn,
        ),
    )


@pytest.fixture
def records(organisation):
    return [
        book(organisation, "Хирургия сердца", ("Бакулев", "А. Н."), "1967"),
        book(organisation, "Очерки гнойной хирургии", ("Войно-Ясенецкий", "В. Ф."), "2000",
             "5-7989-0175-3"),
        book(organisation, "Детская хирургия", ("Баиров", "Г. А."), "1983"),
        book(organisation, "Анатомия человека", ("Сапин", "М. Р."), "2020"),
        book(organisation, "Фармакология", ("Аляутдин", "Р. Н."), "2022"),
    ]  # fmt: skip


@pytest.fixture
def exhibition(organisation, library, admin, records):
    library.catalogue_url = "https://medlib42.ru/irbis?S21ALL={isbn}"
    library.save()
    exhibition = services.exhibition_save(
        organisation=organisation,
        actor=admin,
        title="Знаменательные даты в медицине",
        annotation="Юбилеи врачей.",
        library=library,
    )
    surgeons = services.section_save(exhibition=exhibition, actor=admin, title="Хирурги")
    for record in records[:3]:
        services.book_add(
            exhibition=exhibition, actor=admin, section=surgeons, record=record, note="Читайте!"
        )
    for record in records[3:]:
        services.book_add(exhibition=exhibition, actor=admin, record=record)
    return exhibition


@pytest.fixture
def telegram(library):
    return ChannelFactory(
        library=library, network=Network.TELEGRAM, kind=Kind.CHANNEL, url="https://t.me/knmb"
    )


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(slug="other", name="Другая ЦБС")
