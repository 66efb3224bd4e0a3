"""The librarians' pages: connections and readers, their permissions and isolation."""

import pytest

from tests.factories import LibraryFactory, MembershipFactory
from tests.factories.readers import (
    ConsentFactory,
    FileLoanFactory,
    IlsConnectionFactory,
    ReaderLinkFactory,
)
from vitrina.core import crypto
from vitrina.core.roles import Role
from vitrina.readers.models import IlsConnection

KOHA = {
    "name": "Koha ЦБС",
    "library": "",
    "kind": "koha",
    "base_url": "https://koha.example.ru",
    "auth": "basic",
    "username": "api",
    "secret": "очень-секретно-42",
    "port": "",
}


def test_a_koha_connection_keeps_its_secret(admin_client, organisation):
    url = f"/o/{organisation.slug}/readers/connections/"
    response = admin_client.post(url + "new/", KOHA)
    assert response.status_code == 302, response.content.decode()
    connection = IlsConnection.objects.get()
    assert connection.library is None and connection.kind == "koha"
    assert crypto.decrypt(connection.secret_ciphertext) == "очень-секретно-42"
    for page in (url, url + f"{connection.pk}/"):
        body = admin_client.get(page).content.decode()
        assert "очень-секретно-42" not in body and connection.secret_ciphertext not in body
    # Editing without a new secret keeps it; a new one replaces it.
    admin_client.post(url + f"{connection.pk}/", {**KOHA, "secret": "", "name": "Koha"})
    connection.refresh_from_db()
    assert connection.name == "Koha"
    assert crypto.decrypt(connection.secret_ciphertext) == "очень-секретно-42"
    admin_client.post(url + f"{connection.pk}/", {**KOHA, "secret": "новый"})
    connection.refresh_from_db()
    assert crypto.decrypt(connection.secret_ciphertext) == "новый"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"base_url": "koha"}, "адрес сервера Koha"),
        ({"secret": ""}, "пароль или секрет"),
        ({"kind": "irbis", "host": ""}, "адрес сервера ИРБИС64"),
        ({"kind": "irbis", "host": "10.0.0.5", "port": "70000"}, "65535"),
    ],
)
def test_bad_connections_are_refused(admin_client, organisation, change, message):
    response = admin_client.post(
        f"/o/{organisation.slug}/readers/connections/new/", {**KOHA, **change}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IlsConnection.objects.exists()


def test_check_stores_state_and_problems(admin_client, organisation, library):
    connection = IlsConnectionFactory(library=library)
    url = f"/o/{organisation.slug}/readers/connections/{connection.pk}/check/"
    assert admin_client.post(url).status_code == 302
    connection.refresh_from_db()
    assert connection.checked_at is not None
    assert connection.state in {"ok", "failed"}
    assert (connection.state == "failed") == bool(connection.check_problems)
    body = admin_client.get(f"/o/{organisation.slug}/readers/connections/").content.decode()
    for problem in connection.check_problems:
        assert problem in body


def test_harvest_of_a_file_connection_is_refused_plainly(admin_client, organisation, library):
    connection = IlsConnectionFactory(library=library)
    url = f"/o/{organisation.slug}/readers/connections/{connection.pk}/harvest/"
    response = admin_client.post(url, follow=True)
    assert "нет каталога" in response.content.decode()


def test_archive(admin_client, organisation, library):
    connection = IlsConnectionFactory(library=library)
    admin_client.post(f"/o/{organisation.slug}/readers/connections/{connection.pk}/archive/")
    connection.refresh_from_db()
    assert connection.archived_at is not None


def test_who_may_change_connections(client, organisation, library, member_factory):
    connection = IlsConnectionFactory(library=library)
    circulation = member_factory(role=Role.CIRCULATION)
    client.force_login(circulation.user)
    base = f"/o/{organisation.slug}/readers/connections/"
    assert client.get(base).status_code == 200
    assert client.get(base + "new/").status_code == 403
    assert client.post(base + f"{connection.pk}/check/").status_code == 403
    author = member_factory(role=Role.AUTHOR)
    client.force_login(author.user)
    assert client.get(base).status_code == 403


@pytest.fixture
def readers(library):
    connection = IlsConnectionFactory(library=library)
    links = []
    for number in range(6):
        link = ReaderLinkFactory(
            reader__connection=connection,
            reader__library=connection.library,
            reader__card=f"Ч-{number:03}",
        )
        ConsentFactory(reader=link.reader, purpose="reminders")
        if number % 2:
            ConsentFactory(reader=link.reader, purpose="renewals")
        links.append(link)
    FileLoanFactory(connection=connection)
    return links


def test_readers_page_lists_cards_consents_and_states(
    admin_client, organisation, readers, django_assert_max_num_queries
):
    url = f"/o/{organisation.slug}/readers/"
    admin_client.get(url)
    with django_assert_max_num_queries(14):
        response = admin_client.get(url)
    body = response.content.decode()
    assert all(link.reader.card in body for link in readers)
    filtered = admin_client.get(url, {"consent": "renewals"}).content.decode()
    assert "Ч-001" in filtered and "Ч-000" not in filtered
    assert "Ч-000" not in admin_client.get(url, {"state": "stopped"}).content.decode()


def test_readers_query_count_does_not_grow(
    admin_client, organisation, readers, library, django_assert_max_num_queries
):
    connection = readers[0].reader.connection
    for number in range(20):
        link = ReaderLinkFactory(
            reader__connection=connection,
            reader__library=connection.library,
            reader__card=f"Д-{number:03}",
        )
        ConsentFactory(reader=link.reader)
    with django_assert_max_num_queries(14):
        admin_client.get(f"/o/{organisation.slug}/readers/")


def test_analysts_see_only_counts(client, organisation, readers, member_factory):
    analyst = member_factory(role=Role.ANALYST)
    client.force_login(analyst.user)
    response = client.get(f"/o/{organisation.slug}/readers/")
    body = response.content.decode()
    assert response.status_code == 200
    assert not any(link.reader.card in body for link in readers)
    assert "6" in body


def test_readers_of_another_organisation_are_not_seen(client, readers):
    stranger = MembershipFactory(role=Role.ADMIN)
    LibraryFactory(organisation=stranger.organisation)
    client.force_login(stranger.user)
    body = client.get(f"/o/{stranger.organisation.slug}/readers/").content.decode()
    assert not any(link.reader.card in body for link in readers)
    connection = readers[0].reader.connection
    base = f"/o/{stranger.organisation.slug}/readers/connections/{connection.pk}/"
    for path in ("", "check/", "upload/", "harvest/", "archive/"):
        assert client.post(base + path).status_code == 404
    assert client.get(f"/o/{readers[0].reader.organisation.slug}/readers/").status_code == 404


def test_upload_a_file_of_loans_then_link_with_it(admin_client, client, organisation, library):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import ChannelFactory
    from tests.readers.test_linking import READER
    from vitrina.readers.services.linking import link_request_create

    connection = IlsConnectionFactory(library=library, second_factor="birth_year")
    url = f"/o/{organisation.slug}/readers/connections/{connection.pk}/upload/"
    assert admin_client.get(url).status_code == 200
    data = (
        "Читательский билет;Фамилия;Год рождения;Инвентарный номер;Название;Срок возврата\n"
        "Ф-77;Орлова;1984;И-1;Евгений Онегин;01.01.2030\n"
        "Ф-78;Павлов;1990;И-2;Мёртвые души;не дата\n"
    ).encode()
    response = admin_client.post(url, {"file": SimpleUploadedFile("loans.csv", data)})
    assert "Строка 3" in response.content.decode() or response.status_code == 302
    assert connection.file_loans.count() == 1
    empty = admin_client.post(url, {})
    assert empty.status_code == 400 and "Выберите файл" in empty.content.decode()
    channel = ChannelFactory(library=library)
    _request, token = link_request_create(channel=channel, user_id=READER)
    response = client.post(
        f"/r/link/{token}/", {"card": "Ф-77", "secret": "1984", "purposes": ["reminders"]}
    )
    assert response.status_code == 200
    assert connection.readers.get().card == "Ф-77"


def test_upload_is_for_file_connections_only(admin_client, organisation, library):
    connection = IlsConnectionFactory(library=library, kind="koha", base_url="https://k.example")
    url = f"/o/{organisation.slug}/readers/connections/{connection.pk}/upload/"
    assert admin_client.get(url).status_code == 400


def test_harvest_command_says_what_is_wrong(library):
    from io import StringIO

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No connection"):
        call_command("readers", "harvest", "--connection", "999999")
    connection = IlsConnectionFactory(library=library)
    with pytest.raises(CommandError, match="нет каталога"):
        call_command("readers", "harvest", "--connection", str(connection.pk), stdout=StringIO())


def test_a_limited_librarian_sees_only_their_libraries_readers(
    client, organisation, library, readers, member_factory
):
    other = LibraryFactory(organisation=organisation, name="Филиал")
    connection = IlsConnectionFactory(library=other)
    stranger = ReaderLinkFactory(
        reader__connection=connection, reader__library=connection.library, reader__card="Ч-ФИЛИАЛ"
    )
    ConsentFactory(reader=stranger.reader)
    limited = member_factory(role=Role.CIRCULATION, libraries=[library])
    client.force_login(limited.user)
    body = client.get(f"/o/{organisation.slug}/readers/").content.decode()
    assert "Ч-000" in body and "Ч-ФИЛИАЛ" not in body
    body = client.get(f"/o/{organisation.slug}/readers/connections/").content.decode()
    assert connection.name not in body
    everyone = member_factory(role=Role.CIRCULATION)
    client.force_login(everyone.user)
    url = f"/o/{organisation.slug}/readers/"
    assert "Ч-ФИЛИАЛ" in client.get(url).content.decode()
    assert "Ч-ФИЛИАЛ" not in client.get(url, {"library": library.pk}).content.decode()
