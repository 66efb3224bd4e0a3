import factory

from tests.factories.core import OrganisationFactory
from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.catalog.models import ImportRun, MemorableDate, Record, Source
from vitrina.catalog.services.records import record_values, records_index


class RecordFactory(factory.django.DjangoModelFactory):
    """A record built the way imports build them, from a ``BibRecord``."""

    class Meta:
        model = Record

    organisation = factory.SubFactory(OrganisationFactory)
    source = Source.FILE
    external_id = factory.Sequence(lambda n: f"R{n:06d}")

    @classmethod
    def _create(cls, model_class, *args, bib=None, received_on=None, **kwargs):
        bib = bib or BibRecord(
            title=f"Книга {kwargs['external_id']}",
            authors=[Person("Иванов", "И. И.")],
            places=["Москва"],
            year="2020",
        )
        kwargs.update(record_values(bib, received_on=received_on))
        record = super()._create(model_class, *args, **kwargs)
        records_index(records=Record.objects.filter(pk=record.pk))
        return record


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    organisation = factory.SubFactory(OrganisationFactory)
    filename = factory.Sequence(lambda n: f"export-{n}.iso")
    state = ImportRun.State.DONE


class MemorableDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemorableDate

    organisation = factory.SubFactory(OrganisationFactory)
    kind = MemorableDate.Kind.PERSON
    title = factory.Sequence(lambda n: f"Персона {n}")
    year = 1900
    month = 1
    day = 1
