"""The one factory: stored connections become connectors that reach their systems."""

import pytest

from tests.factories.core import LibraryFactory
from tests.factories.readers import FileLoanFactory, IlsConnectionFactory
from vitrina.catalog.connectors.circulation import IlsError
from vitrina.catalog.connectors.irbis import IrbisCirculation
from vitrina.catalog.connectors.koha import KohaCirculation
from vitrina.core import crypto
from vitrina.readers.circulation import circulation_for, connection_zone
from vitrina.readers.file_circulation import FileCirculation

pytestmark = pytest.mark.django_db


def irbis_connection(organisation, info, **fields):
    values = {
        "kind": "irbis",
        "host": info["host"],
        "port": info["port"],
        "username": info["username"],
        "secret": info["password"],
    }
    values.update(fields)
    return IlsConnectionFactory(organisation=organisation, **values)


def test_a_file_connection_reads_its_rows(organisation):
    connection = IlsConnectionFactory(organisation=organisation, kind="file")
    FileLoanFactory(connection=connection, card="Ф1", surname="Белых", loan_id="77")
    circulation = circulation_for(connection)
    assert isinstance(circulation, FileCirculation)
    patron = circulation.verify("ф1", "белых")
    assert [loan.loan_id for loan in circulation.loans(patron)] == ["77"]


def test_an_irbis_connection_reaches_the_sandbox_with_its_decrypted_password(sandbox, organisation):
    info = sandbox.irbis_info()
    library = LibraryFactory(organisation=organisation, timezone="Asia/Yekaterinburg")
    connection = irbis_connection(
        organisation, info, library=library, second_factor="birth_year", readers_database="RDR"
    )
    assert info["password"] not in connection.secret_ciphertext
    circulation = circulation_for(connection)
    assert isinstance(circulation, IrbisCirculation)
    assert circulation.zone.key == "Asia/Yekaterinburg"
    assert info["password"] not in repr(circulation)
    assert circulation.check() == []
    reader = sandbox.irbis_readers(limit=1, with_loans=True)[0]
    patron = circulation.verify(reader["card"], str(reader["birth_year"]))
    assert patron is not None and patron.card == reader["card"]
    assert circulation.verify(reader["card"], reader["surname"]) is None
    assert len(circulation.loans(patron)) == len(reader["loans"])


def test_the_zone_is_the_organisations_without_a_library(organisation):
    organisation.timezone = "Asia/Vladivostok"
    organisation.save()
    connection = IlsConnectionFactory(organisation=organisation, kind="file")
    assert connection_zone(connection) == "Asia/Vladivostok"
    library = LibraryFactory(organisation=organisation, timezone="Europe/Kaliningrad")
    connection.library = library
    assert connection_zone(connection) == "Europe/Kaliningrad"


def test_a_wrong_stored_password_is_a_refusal(sandbox, organisation):
    connection = irbis_connection(organisation, sandbox.irbis_info(), secret="wrong")
    problems = circulation_for(connection).check()
    assert len(problems) == 1 and "не принял логин или пароль" in problems[0]


def test_a_secret_encrypted_with_a_lost_key_asks_for_it_again(organisation):
    connection = IlsConnectionFactory(
        organisation=organisation, kind="irbis", host="127.0.0.1", port=6666
    )
    connection.secret_ciphertext = "gAAAAAB-not-a-token"
    with pytest.raises(IlsError) as caught:
        circulation_for(connection)
    assert caught.value.reason == "refused"
    assert caught.value.message == "Сохранённый пароль не удаётся расшифровать: введите его заново."


def test_a_koha_connection_reaches_the_sandbox_koha(sandbox, organisation):
    credentials = sandbox.koha_credentials()
    connection = IlsConnectionFactory(
        organisation=organisation,
        kind="koha",
        base_url=credentials["url"],
        auth="oauth2",
        username=credentials["client_id"],
        secret=credentials["client_secret"],
    )
    circulation = circulation_for(connection)
    assert isinstance(circulation, KohaCirculation)
    assert circulation.zone.key == "Europe/Moscow"
    assert credentials["client_secret"] not in repr(circulation)
    assert circulation.check() == []
    connection.secret_ciphertext = crypto.encrypt("wrong")
    assert circulation_for(connection).check() != []
