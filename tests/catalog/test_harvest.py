import pytest

from vitrina.catalog.connectors.irbis import IrbisClient, irbis_entries
from vitrina.catalog.connectors.koha import KohaClient, koha_entries
from vitrina.catalog.connectors.sru import SruClient, sru_entries
from vitrina.catalog.models import Record, Source
from vitrina.catalog.services import harvests as harvest_services
from vitrina.core.exceptions import ServiceError

from .http_doubles import TITLES
from .irbis_server import IrbisDatabase, IrbisServer
from .test_irbis import medical_books

pytestmark = pytest.mark.django_db


def harvest(organisation, admin, source, label, entries):
    return harvest_services.record_harvest(
        organisation=organisation, actor=admin, source=source, label=label, entries=entries
    )


def test_harvest_from_irbis(organisation, admin):
    server = IrbisServer({"IBIS": IrbisDatabase(medical_books())}).start()
    try:
        with IrbisClient(
            "127.0.0.1", server.port, username="librarian", password="secret"
        ) as client:
            run = harvest(
                organisation,
                admin,
                Source.IRBIS,
                "IRBIS A=$",
                irbis_entries(client, "A=$", page_size=4),
            )
            assert (run.total, run.created, run.failed) == (10, 10, 0)
            again = harvest(
                organisation, admin, Source.IRBIS, "IRBIS A=$", irbis_entries(client, "A=$")
            )
            assert (again.created, again.updated) == (0, 10)
    finally:
        server.stop()
    record = Record.objects.get(organisation=organisation, external_id="IBIS:1")
    assert record.source == Source.IRBIS and record.title == "Очерки гнойной хирургии"
    assert record.description.startswith("Войно-Ясенецкий, В. Ф. Очерки гнойной хирургии")


def test_harvest_from_sru(organisation, admin, sru):
    client = SruClient(sru.url)
    run = harvest(
        organisation,
        admin,
        Source.SRU,
        "SRU хирургия",
        sru_entries(client, "dc.title=хирургия", page_size=3),
    )
    assert (run.total, run.created) == (7, 7)
    assert set(Record.objects.values_list("title", flat=True)) == set(TITLES[:7])


def test_harvest_from_koha(organisation, admin, koha):
    client = KohaClient(koha.url, username="koha", password="koha-pass")
    entries = koha_entries(client, {"title": {"-like": "%"}}, per_page=3)
    run = harvest(organisation, admin, Source.KOHA, "Koha", entries)
    assert (run.total, run.created, run.failed) == (8, 8, 0)
    assert Record.objects.filter(source=Source.KOHA).count() == 8


def test_harvest_needs_a_known_source(organisation, admin):
    with pytest.raises(ServiceError):
        harvest(organisation, admin, Source.FILE, "x", iter(()))
