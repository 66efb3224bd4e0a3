from datetime import date, timedelta

import factory

from vitrina.core import crypto
from vitrina.readers.models import (
    Consent,
    FileLoan,
    IlsConnection,
    IlsKind,
    Purpose,
    Reader,
    ReaderLink,
)

from .channels import ChannelFactory
from .core import LibraryFactory, OrganisationFactory


class IlsConnectionFactory(factory.django.DjangoModelFactory):
    """A file of loans by default: it needs no server. Of one library when ``library`` is
    given, else of the whole organisation."""

    class Meta:
        model = IlsConnection

    class Params:
        secret = None

    library = None
    organisation = factory.LazyAttribute(
        lambda connection: (
            connection.library.organisation
            if connection.library is not None
            else OrganisationFactory()
        )
    )
    name = factory.Sequence(lambda n: f"Библиотечная система {n}")
    kind = IlsKind.FILE
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
