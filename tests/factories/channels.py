import factory

from tests.factories.core import LibraryFactory
from vitrina.channels.models import Channel
from vitrina.channels.networks import Kind, Network


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    library = factory.SubFactory(LibraryFactory)
    organisation = factory.SelfAttribute("library.organisation")
    network = Network.VK
    kind = Kind.GROUP
    name = factory.Sequence(lambda n: f"Группа библиотеки {n}")
    url = factory.Sequence(lambda n: f"https://vk.com/library{n}")
    timezone = "Europe/Moscow"
