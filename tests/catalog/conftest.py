import pytest

from .http_doubles import TITLES, koha_server, sru_server
from .marcdata import marc21_record


@pytest.fixture
def records():
    return [
        marc21_record(number, title, "Бакулев, Александр Николаевич")
        for number, title in enumerate(TITLES, start=1)
    ]


@pytest.fixture
def sru(records):
    server = sru_server(records)
    yield server
    server.stop()


@pytest.fixture
def koha(records):
    biblios = {
        number: {
            "marc": record,
            "json": {
                "biblio_id": number,
                "title": record["245"]["a"].rstrip(" :"),
                "subtitle": "роман",
                "author": "Бакулев, А. Н.",
                "publication_year": 2019,
                "isbn": f"978-5-17-0{number:05d}-1",
            },
        }
        for number, record in enumerate(records, start=1)
    }
    server = koha_server(biblios)
    yield server
    server.stop()
