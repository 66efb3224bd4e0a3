import pytest

from vitrina.catalog.connectors.koha import KohaClient, KohaError
from vitrina.catalog.connectors.sru import SruClient, SruError, parse_response

from .http_doubles import TITLES, sru_server
from .marcdata import rusmarc_record


def test_sru_search_returns_marcxml_records(sru):
    client = SruClient(sru.url)
    page = client.search('dc.title="хирургия"', maximum=3)
    assert page.total == 7
    assert page.next_position == 4
    assert [entry.record.title for entry in page.entries] == TITLES[:3]
    assert page.entries[0].record.authors[0].heading == "Бакулев, А. Н."
    assert sru.requests[0]["recordSchema"] == "marcxml"
    assert sru.requests[0]["version"] == "1.2"


def test_sru_iterates_over_pages(sru):
    client = SruClient(sru.url)
    titles = [entry.record.title for entry in client.iterate("dc.title=хирургия", page_size=3)]
    assert titles == TITLES[:7]
    assert [int(request["startRecord"]) for request in sru.requests] == [1, 4, 7]
    limited = list(SruClient(sru.url).iterate("dc.title=хирургия", page_size=3, limit=4))
    assert len(limited) == 4


def test_sru_diagnostics_raise(sru):
    with pytest.raises(SruError, match="Query syntax error"):
        SruClient(sru.url).search("bad query")


def test_sru_string_packing_and_unimarc():
    records = [rusmarc_record(1, "Хирургия сердца", "Бакулев", "А. Н.")]
    server = sru_server(records, packing="string")
    try:
        [entry] = SruClient(server.url).search("dc.title=сердца").entries
    finally:
        server.stop()
    assert entry.flavour == "rusmarc"
    assert entry.record.title == "Хирургия сердца"


def test_sru_rejects_what_is_not_sru():
    with pytest.raises(SruError):
        parse_response(b"<html><body>Service unavailable</body></html>")
    with pytest.raises(SruError):
        parse_response(b"not xml")


def test_koha_biblio_by_id_with_basic_auth(koha):
    client = KohaClient(koha.url, username="koha", password="koha-pass")
    entry = client.biblio(2)
    assert entry.record.title == TITLES[1]
    assert entry.record.source_ids["koha"] == "2"
    with pytest.raises(KohaError) as missing:
        client.biblio(99)
    assert missing.value.status == 404


def test_koha_wrong_password(koha):
    with pytest.raises(KohaError) as refused:
        KohaClient(koha.url, username="koha", password="wrong").biblio(1)
    assert refused.value.status == 401


def test_koha_search_with_q_filter_and_paging(koha):
    client = KohaClient(koha.url, username="koha", password="koha-pass")
    page = client.search({"title": {"-like": "%хирургия%"}}, page=2, per_page=3)
    assert page.total == 7
    assert [record.title for record in page.records] == TITLES[3:6]
    record = page.records[0]
    assert record.authors[0].named == "А. Н. Бакулев"
    assert (record.year, record.isbn, record.other_title) == (
        "2019",
        "978-5-17-000004-1",
        ["роман"],
    )


def test_koha_oauth2_client_credentials(koha):
    client = KohaClient(koha.url, client_id="vitrina", client_secret="s3cret")
    assert client.biblio(1).record.title == TITLES[0]
    assert client.biblio(3).record.title == TITLES[2]
    posts = [path for method, path in koha.requests if method == "POST"]
    assert posts == ["/api/v1/oauth/token"]
    # The server forgets its tokens: the client fetches a new one once and goes on.
    koha.tokens.clear()
    assert client.biblio(4).record.title == TITLES[3]
    assert koha.issued == 2


def test_koha_oauth2_bad_secret(koha):
    with pytest.raises(KohaError):
        KohaClient(koha.url, client_id="vitrina", client_secret="nope").biblio(1)
