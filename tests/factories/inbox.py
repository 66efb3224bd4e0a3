import factory
from django.utils import timezone

from tests.factories.channels import ChannelFactory
from vitrina.inbox.models import (
    CannedAnswer,
    ChannelInbox,
    Direction,
    InquiryKind,
    Message,
    ReferenceInquiry,
    Thread,
    ThreadKind,
)


class ChannelInboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelInbox
        django_get_or_create = ("channel",)

    channel = factory.SubFactory(ChannelFactory)


class ThreadFactory(factory.django.DjangoModelFactory):
    """A reader's conversation with a channel (a dialog by default)."""

    class Meta:
        model = Thread

    channel = factory.SubFactory(ChannelFactory)
    organisation = factory.SelfAttribute("channel.organisation")
    kind = ThreadKind.MESSAGE
    reader_id = factory.Sequence(lambda n: str(100000 + n))
    external_thread = factory.SelfAttribute("reader_id")
    reader_name = factory.Sequence(lambda n: f"Читатель {n}")
    last_message_at = factory.LazyFunction(timezone.now)
    first_inbound_at = factory.SelfAttribute("last_message_at")


class MessageFactory(factory.django.DjangoModelFactory):
    """A reader's message in the thread (``direction=Direction.OUT`` for the library's)."""

    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    channel = factory.SelfAttribute("thread.channel")
    kind = factory.SelfAttribute("thread.kind")
    direction = Direction.IN
    external_id = factory.Sequence(lambda n: f"m{n}")
    text = factory.Sequence(lambda n: f"Сообщение читателя {n}")
    author_id = factory.SelfAttribute("thread.reader_id")
    created_at = factory.LazyFunction(timezone.now)


class CannedAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CannedAnswer

    organisation = factory.SubFactory("tests.factories.core.OrganisationFactory")
    title = factory.Sequence(lambda n: f"Готовый ответ {n}")
    text = "Здравствуйте, {имя}!"


class ReferenceInquiryFactory(factory.django.DjangoModelFactory):
    """A reader's question kept as a reference inquiry of the thread's library."""

    class Meta:
        model = ReferenceInquiry

    question = factory.SubFactory(MessageFactory)
    thread = factory.SelfAttribute("question.thread")
    organisation = factory.SelfAttribute("thread.organisation")
    library = factory.SelfAttribute("thread.channel.library")
    kind = InquiryKind.FACTUAL
    topic = factory.Sequence(lambda n: f"Справка {n}")
