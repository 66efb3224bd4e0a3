from datetime import date, timedelta

import factory
from django.utils import timezone

from vitrina.core import crypto
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

from .channels import ChannelFactory
from .core import LibraryFactory, OrganisationFactory


class IlsConnectionFactory(factory.django.DjangoModelFactory):
    """A file of loans by default: it needs no server. Of one library when ``library`` is
    given, else of the whole organisation."""

    class Meta:
        model = IlsConnection

    library = None
    # A connection of a library belongs to the library's organisation.
    organisation = factory.LazyAttribute(
        lambda connection: (
            connection.library.organisation
            if connection.library is not None
            else OrganisationFactory()
        )
    )
    name = factory.Sequence(lambda n: f"Библиотечная система {n}")
    kind = IlsKind.FILE

    class Params:
        secret = None

    secret_ciphertext = factory.LazyAttribute(
        lambda connection: crypto.encrypt(connection.secret) if connection.secret else ""
    )


class FileLoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FileLoan

    connection = factory.SubFactory(IlsConnectionFactory)
    card = factory.Sequence(lambda n: f"Ф{n:06d}")
    surname = "Иванова"
    birth_year = 1980
    loan_id = factory.Sequence(lambda n: f"{100000 + n}")
    title = "Толстой Л. Н. Война и мир"
    due = factory.LazyFunction(lambda: date.today() + timedelta(days=5))


class ReaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reader

    library = factory.SubFactory(LibraryFactory)
    organisation = factory.SelfAttribute("library.organisation")
    connection = factory.SubFactory(
        IlsConnectionFactory, organisation=factory.SelfAttribute("..organisation")
    )
    card = factory.Sequence(lambda n: f"Ф{n:06d}")
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
    purpose = Purpose.REMINDERS
    text_version = "1"
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
