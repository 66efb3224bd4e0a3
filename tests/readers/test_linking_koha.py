"""Linking against the sandbox's Koha over real HTTP: the reader's catalogue password is
verified by Koha through the stored connection."""

import pytest

from tests.factories.readers import IlsConnectionFactory
from vitrina.core import crypto
from vitrina.readers.models import Consent, ReaderLink
from vitrina.readers.services.linking import link_request_create

READER = "424242"


@pytest.fixture
def koha(sandbox, library):
    credentials = sandbox.koha_credentials()
    return IlsConnectionFactory(
        library=library,
        kind="koha",
        base_url=credentials["url"],
        auth="basic",
        username=credentials["username"],
        secret_ciphertext=crypto.encrypt(credentials["password"]),
    )


@pytest.fixture
def vk(connect):
    return connect("vk")


def post(client, token, card, password):
    return client.post(
        f"/r/link/{token}/", {"card": card, "secret": password, "purposes": ["renewals"]}
    )


def test_koha_reader_links_with_the_catalogue_password(client, sandbox, koha, vk):
    [patron] = sandbox.koha_patrons(kind="renewable", limit=1)
    _request, token = link_request_create(channel=vk, user_id=READER)
    page = client.get(f"/r/link/{token}/").content.decode()
    assert "пароль от электронного каталога" in page
    wrong = post(client, token, patron["card"], "not-the-password")
    assert wrong.status_code == 400 and "Пароль не подходит" in wrong.content.decode()
    unknown = post(client, token, "K9999999", "x")
    assert "не найден" in unknown.content.decode()
    response = post(client, token, patron["card"], patron["password"])
    assert response.status_code == 200, response.content.decode()
    link = ReaderLink.objects.get()
    assert link.reader.card == patron["card"]
    assert link.reader.ils_id == str(patron["patron_id"])
    assert Consent.objects.get().purpose == "renewals"


def test_a_locked_koha_login_is_explained(client, sandbox, koha, vk):
    [patron] = sandbox.koha_patrons(kind="locked", limit=1)
    _request, token = link_request_create(channel=vk, user_id=READER)
    response = post(client, token, patron["card"], "whatever")
    assert response.status_code == 400
    assert "заблокирован" in response.content.decode()
    assert not ReaderLink.objects.exists()


def test_koha_that_does_not_answer(client, koha, vk, library):
    koha.base_url = "http://127.0.0.1:9"
    koha.save()
    _request, token = link_request_create(channel=vk, user_id=READER)
    response = post(client, token, "K0000001", "x")
    assert "не отвечает" in response.content.decode()
    assert not ReaderLink.objects.exists()


def test_check_a_koha_connection(admin_client, organisation, koha):
    admin_client.post(f"/o/{organisation.slug}/readers/connections/{koha.pk}/check/")
    koha.refresh_from_db()
    assert koha.state == "ok", koha.check_problems
    koha.secret_ciphertext = crypto.encrypt("wrong")
    koha.save()
    admin_client.post(f"/o/{organisation.slug}/readers/connections/{koha.pk}/check/")
    koha.refresh_from_db()
    assert koha.state == "failed" and koha.check_problems
    body = admin_client.get(f"/o/{organisation.slug}/readers/connections/").content.decode()
    assert koha.check_problems[0] in body


def test_harvest_the_catalogue_through_a_koha_connection(admin_client, organisation, koha):
    from vitrina.catalog.models import Record

    url = f"/o/{organisation.slug}/readers/connections/{koha.pk}/harvest/"
    response = admin_client.post(url)
    assert response.status_code == 302
    assert "/catalogue/imports/" in response["Location"]
    assert Record.objects.filter(organisation=organisation).exists()
    bad = admin_client.post(url, {"query": "{not json"}, follow=True)
    assert "JSON" in bad.content.decode()
