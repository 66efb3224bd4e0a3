import pytest

from tests.factories import ChannelFactory, RubricFactory
from vitrina.channels.networks import Kind, Network
from vitrina.core.roles import Role


@pytest.fixture
def editor(member_factory):
    return member_factory(role=Role.EDITOR)


@pytest.fixture
def author(member_factory):
    return member_factory(role=Role.AUTHOR)


@pytest.fixture
def telegram(library):
    return ChannelFactory(
        library=library,
        network=Network.TELEGRAM,
        kind=Kind.CHANNEL,
        name="Телеграм ЦГБ",
        url="https://t.me/cgb_mednogorsk",
    )


@pytest.fixture
def max_channel(library):
    return ChannelFactory(
        library=library,
        network=Network.MAX,
        kind=Kind.CHANNEL,
        name="MAX ЦГБ",
        url="https://max.ru/cgb",
    )


@pytest.fixture
def rubric(organisation):
    return RubricFactory(
        organisation=organisation, name="Новые поступления", utm_campaign="new-arrivals"
    )
