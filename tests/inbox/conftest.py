import pytest

from tests.factories import ChannelFactory
from vitrina.channels import services as channel_services
from vitrina.channels.networks import ConnectionState, Kind, Network, SecretKind
from vitrina.inbox.receiving import channel_inbox

WEBHOOK_SECRET = "s3cret-hook-value"


@pytest.fixture
def hooked(library):
    """A connected channel of the network with a webhook secret, and its inbox row."""

    def make(network: str, external_id: str = "1001"):
        kind = Kind.GROUP if network == Network.VK else Kind.CHANNEL
        channel = ChannelFactory(
            library=library,
            network=network,
            kind=kind,
            external_id=external_id,
            connection_state=ConnectionState.CONNECTED,
        )
        channel_services.channel_secret_set(
            channel=channel, kind=SecretKind.WEBHOOK_SECRET, value=WEBHOOK_SECRET, actor=None
        )
        inbox = channel_inbox(channel)
        inbox.confirmation_code = "a1b2c3"
        inbox.save()
        return channel, inbox

    return make
