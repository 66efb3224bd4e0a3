from datetime import date, timedelta

import factory

from vitrina.core import crypto
from vitrina.readers.models import FileLoan, IlsConnection, IlsKind

from .core import OrganisationFactory


class IlsConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IlsConnection

    organisation = factory.SubFactory(OrganisationFactory)
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
