import datetime

import factory
from django.utils import timezone

from tests.factories.channels import ChannelFactory
from tests.factories.core import LibraryFactory
from vitrina.readers.consent_texts import VERSION
from vitrina.readers.models import (
    Consent,
    FileLoan,
    IlsConnection,
    IlsKind,
    Purpose,
    Reader,
    ReaderLink,
)


class IlsConnectionFactory(factory.django.DjangoModelFactory):
    """A file of loans by default: it needs no server."""

    class Meta:
        model = IlsConnection

    library = factory.SubFactory(LibraryFactory)
    organisation = factory.SelfAttribute("library.organisation")
    name = factory.Sequence(lambda n: f"Выдачи {n}")
    kind = IlsKind.FILE


class FileLoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FileLoan

    connection = factory.SubFactory(IlsConnectionFactory)
    card = factory.Sequence(lambda n: f"Ф{100000 + n}")
    surname = "Иванова"
    birth_year = 1990
    loan_id = factory.Sequence(lambda n: f"loan-{n}")
    title = "Пушкин А. С. Евгений Онегин"
    due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class ReaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reader

    connection = factory.SubFactory(IlsConnectionFactory)
    library = factory.SelfAttribute("connection.library")
    organisation = factory.SelfAttribute("library.organisation")
    card = factory.Sequence(lambda n: f"Ч{200000 + n}")


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
    text_version = VERSION
    text_hash = "0" * 64
    network = "vk"
