"""Reading the linked readers' loans from the library system."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories.channels import ChannelFactory
from tests.factories.readers import (
    ConsentFactory,
    FileLoanFactory,
    IlsConnectionFactory,
    ReaderFactory,
    ReaderLinkFactory,
)
from vitrina.catalog.connectors.circulation import Abilities
from vitrina.core import periodic
from vitrina.readers.models import FileLoan, IlsKind, Loan, Purpose
from vitrina.readers.services.loans import loans_sync_connection, loans_sync_round

pytestmark = pytest.mark.django_db
file_circulation = pytest.importorskip("vitrina.readers.file_circulation")


@pytest.fixture
def connection(library):
    return IlsConnectionFactory(
        organisation=library.organisation, library=library, kind=IlsKind.FILE
    )


def served(library, connection, card, purpose=Purpose.REMINDERS):
    reader = ReaderFactory(library=library, connection=connection, card=card)
    ReaderLinkFactory(reader=reader, channel=ChannelFactory(library=library))
    ConsentFactory(reader=reader, purpose=purpose)
    return reader


def test_only_served_readers_loans_are_kept_and_follow_the_system(library, connection):
    reader = served(library, connection, "Ф000001")
    renewing = served(library, connection, "Ф000002", purpose=Purpose.RENEWALS)
    ReaderFactory(library=library, connection=connection, card="Ф000003")  # not linked
    withdrawn = served(library, connection, "Ф000004")
    withdrawn.consents.update(withdrawn_at=timezone.now())
    long_title = "Очень длинное название " * 10
    first = FileLoanFactory(connection=connection, card="Ф000001", title=long_title)
    second = FileLoanFactory(connection=connection, card="Ф000001")
    FileLoanFactory(connection=connection, card="Ф000002")
    FileLoanFactory(connection=connection, card="Ф000003")
    FileLoanFactory(connection=connection, card="Ф000004")

    result = loans_sync_connection(connection=connection)
    assert result.problem == ""
    assert result.created == 3
    assert set(Loan.objects.values_list("reader__card", flat=True)) == {"Ф000001", "Ф000002"}
    stored = Loan.objects.get(loan_id=first.loan_id)
    assert len(stored.title) <= 120 and stored.title.endswith("…")
    connection.refresh_from_db()
    assert connection.loans_synced_at is not None

    # Renewed and returned at the desk: the next read follows.
    FileLoan.objects.filter(pk=first.pk).update(due=date.today() + timedelta(days=30))
    FileLoan.objects.filter(pk=second.pk).delete()
    result = loans_sync_connection(connection=connection)
    assert (result.created, result.updated, result.deleted) == (0, 1, 1)
    assert list(reader.loans.values_list("due", flat=True)) == [date.today() + timedelta(days=30)]
    assert renewing.loans.count() == 1


def test_read_reader_by_reader_where_the_system_cannot_list_all(library, connection):
    served(library, connection, "Ф000001")
    FileLoanFactory(connection=connection, card="Ф000001")
    FileLoanFactory(connection=connection, card="Ф000009")

    class OneByOne(file_circulation.FileCirculation):
        abilities = Abilities(second_factor=True)

    result = loans_sync_connection(connection=connection, circulation=OneByOne(connection))
    assert result.created == 1
    assert Loan.objects.get().reader.card == "Ф000001"


def test_a_failing_system_leaves_the_loans_and_says_why(library, connection):
    koha = pytest.importorskip("vitrina.catalog.connectors.koha")
    if not hasattr(koha, "KohaCirculation"):
        pytest.skip("Koha's circulation connector is not here yet")
    served(library, connection, "Ф000001")
    FileLoanFactory(connection=connection, card="Ф000001")
    loans_sync_connection(connection=connection)
    connection.kind, connection.base_url = IlsKind.KOHA, "http://127.0.0.1:9"
    connection.username = "vitrina"
    connection.save()
    result = loans_sync_round()
    assert result["problems"] == 1
    connection.refresh_from_db()
    assert connection.sync_problem
    assert Loan.objects.count() == 1


def test_the_jobs_are_registered():
    names = {job.name for job in periodic.registered()}
    assert {"readers.loans_sync", "readers.reminders_plan", "readers.reminders_send"} <= names
