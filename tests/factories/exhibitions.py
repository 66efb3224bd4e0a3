import factory

from tests.factories.core import OrganisationFactory
from vitrina.exhibitions.models import Book, Exhibition, Section


class ExhibitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exhibition

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Выставка {n}")
    slug = factory.Sequence(lambda n: f"vystavka-{n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    exhibition = factory.SubFactory(ExhibitionFactory)
    title = factory.Sequence(lambda n: f"Раздел {n}")
    position = factory.Sequence(lambda n: n)


class BookFactory(factory.django.DjangoModelFactory):
    """A book typed in by hand (``record=...`` for one from the catalogue)."""

    class Meta:
        model = Book

    exhibition = factory.SubFactory(ExhibitionFactory)
    title = factory.Sequence(lambda n: f"Книга {n}")
    author = "Иванов, И. И."
    description = factory.LazyAttribute(lambda book: f"{book.author} {book.title}. — М., 2020.")
    position = factory.Sequence(lambda n: n)
