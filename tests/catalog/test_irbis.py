import pytest

from vitrina.catalog.connectors.irbis import (
    BRIEF_FORMAT,
    IrbisClient,
    IrbisError,
    IrbisRecord,
    encode_packet,
    parse_subfields,
)
from vitrina.catalog.gost import describe

from .irbis_server import IrbisDatabase, IrbisServer, irbis_record


def medical_books():
    return [
        irbis_record(
            ("10", "^a5-7989-0175-3^d350.00"),
            ("200", "^aОчерки гнойной хирургии^fВ. Ф. Войно-Ясенецкий"),
            ("210", "^aМосква^cБИНОМ^d2000"),
            ("215", "^a704"),
            ("606", "^aХирургия"),
            ("700", "^aВойно-Ясенецкий^bВ. Ф.^gВалентин Феликсович"),
            ("903", "54.5/В65"),
            ("910", "^a0^b123456^dАБ"),
        ),
        irbis_record(
            ("200", "^aХирургия сердца^eизбранные труды"),
            ("210", "^aМосква^cМедицина^d1967"),
            ("215", "^a432 с."),
            ("606", "^aКардиохирургия"),
            ("700", "^aБакулев^bА. Н.^gАлександр Николаевич"),
            ("702", "^aМешалкин^bЕ. Н.^4340 ред."),
            ("951", "^abakulev.pdf^ihttps://library.example/bakulev.pdf"),
        ),
        irbis_record(
            ("200", "^aФронтовые письма^eсборник"),
            ("210", "^aКемерово^d2020"),
            ("700", "^aТуснолобова-Марченко^bЗ. М."),
        ),
        *[
            irbis_record(
                ("200", f"^aПушкин в медицине. Выпуск {number}"), ("700", "^aПушкин^bА. С.")
            )
            for number in range(1, 8)
        ],
    ]


@pytest.fixture
def server():
    server = IrbisServer({"IBIS": IrbisDatabase(medical_books())}).start()
    yield server
    server.stop()


@pytest.fixture
def client(server):
    with IrbisClient(
        "127.0.0.1", server.port, username="librarian", password="secret", timeout=5
    ) as client:
        yield client


def test_packet_layout():
    packet = encode_packet(
        "K",
        workstation="C",
        client_id=123456,
        query_id=7,
        username="librarian",
        password="secret",
        parameters=["IBIS".encode("cp1251"), "A=ПУШКИН$".encode()],
    )
    length, _, body = packet.partition(b"\n")
    assert int(length) == len(body)
    assert body.split(b"\n") == [
        b"K",
        b"C",
        b"K",
        b"123456",
        b"7",
        b"secret",
        b"librarian",
        b"",
        b"",
        b"",
        b"IBIS",
        "A=ПУШКИН$".encode(),
        b"",
    ]


def test_register_nop_and_unregister(server):
    client = IrbisClient("127.0.0.1", server.port, username="librarian", password="secret")
    client.connect()
    assert client.server_ini[0] == "[MAIN]"
    assert client.client_id in server.clients
    client.nop()
    client.disconnect()
    assert client.client_id not in server.clients
    commands = [(command, query_id) for command, _, _, query_id in server.requests]
    assert commands == [("A", 1), ("N", 2), ("B", 3)]
    assert {client_id for _, _, client_id, _ in server.requests} == {client.client_id}


def test_wrong_password_and_unknown_user(server):
    with pytest.raises(IrbisError) as wrong:
        IrbisClient("127.0.0.1", server.port, username="librarian", password="x").connect()
    assert wrong.value.code == -4444
    with pytest.raises(IrbisError) as unknown:
        IrbisClient("127.0.0.1", server.port, username="guest", password="secret").connect()
    assert unknown.value.code == -3333


def test_unregistered_client_is_refused(server):
    client = IrbisClient("127.0.0.1", server.port, username="librarian", password="secret")
    with pytest.raises(IrbisError) as refused:
        client.nop()
    assert refused.value.code == -3334


def test_max_mfn_and_read_record(client):
    assert client.max_mfn() == 10
    record = client.read_record(2)
    assert record.mfn == 2 and record.version == 1
    assert ("606", "^aКардиохирургия") in record.fields
    bib = record.to_bibrecord()
    assert bib.title == "Хирургия сердца"
    assert [person.named_genitive for person in bib.editors] == ["Е. Н. Мешалкина"]
    assert bib.url == "https://library.example/bakulev.pdf"
    with pytest.raises(IrbisError) as missing:
        client.read_record(99)
    assert missing.value.code == -140


def test_search_with_truncation_and_paging(client):
    result = client.search("A=ПУШКИН$", limit=3)
    assert result.total == 7
    assert result.mfns == [4, 5, 6]
    assert client.search("A=ПУШКИН$", first=7, limit=3).mfns == [10]
    assert client.search('"T=Хирургия сердца"').mfns == [2]
    assert client.search("S=ХИРУРГИЯ+S=КАРДИОХИРУРГИЯ").total == 2


def test_format_records(client):
    brief = client.format_records(BRIEF_FORMAT, [1, 3])
    assert brief == {
        1: "Войно-Ясенецкий В. Ф. Очерки гнойной хирургии. — Москва, 2000",
        3: "Туснолобова-Марченко З. М. Фронтовые письма. — Кемерово, 2020",
    }
    with pytest.raises(IrbisError):
        client.format_records(BRIEF_FORMAT, [42])


def test_records_become_gost_descriptions(client):
    [record] = client.search_records("A=ВОЙНО-ЯСЕНЕЦКИЙ$")
    bib = record.to_bibrecord()
    assert bib.source_ids == {"mfn": "1", "shelfmark": "54.5/В65"}
    assert describe(bib) == (
        "Войно-Ясенецкий, В. Ф. Очерки гнойной хирургии / В. Ф. Войно-Ясенецкий. — Москва : "
        "БИНОМ, 2000. — 704 с. — ISBN 5-7989-0175-3. — Текст : непосредственный."
    )


def test_fetch_bibrecords_pages_through_results(client, server):
    records = client.fetch_bibrecords("A=ПУШКИН$", page_size=3)
    assert [record.title for record in records] == [
        f"Пушкин в медицине. Выпуск {number}" for number in range(1, 8)
    ]
    searches = [request for request in server.requests if request[0] == "K"]
    assert len(searches) == 3


def test_record_text_round_trip():
    record = IrbisRecord(mfn=5, status=0, version=3, fields=[("200", "^aЗаглавие^eучебник")])
    assert IrbisRecord.decode(record.encode()) == record
    assert parse_subfields("Текст^aОдин^BДва") == [("", "Текст"), ("a", "Один"), ("b", "Два")]
