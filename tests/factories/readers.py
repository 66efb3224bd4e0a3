import factory
from django.utils import timezone

from tests.factories.channels import ChannelFactory
from tests.factories.core import LibraryFactory
from vitrina.readers.models import (
    Consent,
    FileLoan,
    IlsConnection,
    IlsKind,
    Loan,
    Purpose,
    Reader,
    ReaderLink,
    Reminder,
    ReminderKind,
    RenewalRequest,
)


class IlsConnectionFactory(factory.django.DjangoModelFactory):
    """A file of loans by default (no server needed)."""

    class Meta:
        model = IlsConnection

    organisation = factory.SelfAttribute("library.organisation")
    library = factory.SubFactory(LibraryFactory)
    name = factory.Sequence(lambda n: f"Выдача {n}")
    kind = IlsKind.FILE


class FileLoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FileLoan

    connection = factory.SubFactory(IlsConnectionFactory)
    card = factory.Sequence(lambda n: f"F{n:06d}")
    surname = "Иванова"
    loan_id = factory.Sequence(lambda n: f"inv{n}")
    title = factory.Sequence(lambda n: f"Книга {n}")
    due = factory.LazyFunction(timezone.localdate)


class ReaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reader

    connection = factory.SubFactory(IlsConnectionFactory)
    library = factory.SelfAttribute("connection.library")
    organisation = factory.SelfAttribute("library.organisation")
    card = factory.Sequence(lambda n: f"R{n:06d}")
    ils_id = factory.SelfAttribute("card")


class ReaderLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReaderLink

    reader = factory.SubFactory(ReaderFactory)
    channel = factory.SubFactory(ChannelFactory, library=factory.SelfAttribute("..reader.library"))
    network_user_id = factory.Sequence(lambda n: str(500000 + n))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    reader = factory.SubFactory(ReaderFactory)
    purpose = Purpose.RENEWALS
    text_version = "2025-09"
    text_hash = "0" * 64
    network = "vk"


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Loan

    reader = factory.SubFactory(ReaderFactory)
    loan_id = factory.Sequence(lambda n: f"inv{n}")
    title = factory.Sequence(lambda n: f"Книга {n}")
    due = factory.LazyFunction(timezone.localdate)


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    link = factory.SubFactory(ReaderLinkFactory)
    reader = factory.SelfAttribute("link.reader")
    loan_id = factory.Sequence(lambda n: f"inv{n}")
    due = factory.LazyFunction(timezone.localdate)
    kind = ReminderKind.OVERDUE_FIRST
    state = Reminder.State.SENT
    not_before = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyFunction(timezone.now)


class RenewalRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RenewalRequest

    reader = factory.SubFactory(ReaderFactory)
    organisation = factory.SelfAttribute("reader.organisation")
    loan_id = factory.Sequence(lambda n: f"inv{n}")
    title = factory.Sequence(lambda n: f"Книга {n}")
    due = factory.LazyFunction(timezone.localdate)
    source = RenewalRequest.Source.BUTTON
