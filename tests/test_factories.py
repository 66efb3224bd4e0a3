"""Every factory builds an object its model accepts, so tests start from valid data."""

import pytest

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    RubricFactory,
    SeriesFactory,
    SlotFactory,
    UserFactory,
    VariantFactory,
)
from tests.factories.analytics import AccountSnapshotFactory, ReportFactory
from tests.factories.catalog import ImportRunFactory, MemorableDateFactory, RecordFactory
from tests.factories.content import MediaAssetFactory, PostMediaFactory
from tests.factories.core import AuditEntryFactory
from tests.factories.exhibitions import BookFactory, ExhibitionFactory, SectionFactory
from tests.factories.inbox import (
    CannedAnswerFactory,
    ChannelInboxFactory,
    MessageFactory,
    ReferenceInquiryFactory,
    ThreadFactory,
)
from tests.factories.publishing import PublishAttemptFactory, SchedulerHeartbeatFactory

FACTORIES = [
    UserFactory,
    OrganisationFactory,
    LibraryFactory,
    MembershipFactory,
    AuditEntryFactory,
    ChannelFactory,
    RubricFactory,
    SeriesFactory,
    PostFactory,
    VariantFactory,
    SlotFactory,
    MediaAssetFactory,
    PostMediaFactory,
    PublishAttemptFactory,
    SchedulerHeartbeatFactory,
    RecordFactory,
    ImportRunFactory,
    MemorableDateFactory,
    ExhibitionFactory,
    SectionFactory,
    BookFactory,
    AccountSnapshotFactory,
    ReportFactory,
    ChannelInboxFactory,
    ThreadFactory,
    MessageFactory,
    CannedAnswerFactory,
    ReferenceInquiryFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_a_factory_builds_a_valid_object(factory):
    made = factory()
    # Fields the system may leave empty (an entry without a person, a post without an
    # author) are nullable without being optional in forms: leave them to the database.
    nullable = [field.name for field in made._meta.fields if field.null]
    made.full_clean(exclude=nullable)
    assert type(made).objects.filter(pk=made.pk).exists()
