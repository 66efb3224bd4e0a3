import factory
from django.utils import timezone

from tests.factories.content import VariantFactory
from vitrina.publishing.models import PublishAttempt, SchedulerHeartbeat


class PublishAttemptFactory(factory.django.DjangoModelFactory):
    """A finished try that published the variant (``outcome=…`` for the others)."""

    class Meta:
        model = PublishAttempt

    variant = factory.SubFactory(VariantFactory)
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.SelfAttribute("started_at")
    outcome = PublishAttempt.Outcome.PUBLISHED


class SchedulerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchedulerHeartbeat
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"host{n}:1")
    seen_at = factory.LazyFunction(timezone.now)
