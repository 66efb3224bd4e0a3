import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ChannelFactory
from vitrina.channels import services as channel_services
from vitrina.channels.networks import ConnectionState, Kind, Network, SecretKind
from vitrina.content.models import Post, Variant
from vitrina.content.states import VariantState
from vitrina.sandbox.testing import SandboxClient, start_sandbox

_numbers = itertools.count(1)

KINDS = {
    Network.VK: ("community", Kind.GROUP),
    Network.OK: ("group", Kind.GROUP),
    Network.TELEGRAM: ("channel", Kind.CHANNEL),
    Network.MAX: ("channel", Kind.CHANNEL),
}
SECRETS = {
    "user": SecretKind.USER_TOKEN,
    "community": SecretKind.COMMUNITY_TOKEN,
    "access_token": SecretKind.USER_TOKEN,
    "bot": SecretKind.BOT_TOKEN,
}


@pytest.fixture(scope="session")
def sandbox_server():
    server = start_sandbox(seed=7)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server):
    client = SandboxClient(sandbox_server.url)
    client.reset()
    yield client
    client.clear_faults()
    client.http.close()


@pytest.fixture
def networks(settings, sandbox):
    """Every network at the sandbox, as in the demo; short leases so tests need not wait."""
    for name, network in [("VK", "vk"), ("OK", "ok"), ("TELEGRAM", "telegram"), ("MAX", "max")]:
        setattr(settings, f"{name}_API_URL", sandbox.api_url(network))
    apps = sandbox.http.get("/sandbox/control/apps").json()
    settings.OK_APPLICATION_KEY = apps["ok"]["application_key"]
    settings.OK_CLIENT_SECRET = apps["ok"]["secret"]
    settings.NETWORK_TIMEOUT = 5
    return sandbox


@pytest.fixture
def connect(networks, library):
    """A registry channel connected to a fresh emulated account of the network."""

    def make(network: str, **account):
        number = next(_numbers)
        sandbox_kind, kind = KINDS[network]
        data = networks.create_account(
            network=network,
            kind=sandbox_kind,
            screen_name=f"lib{number}{network}",
            name=f"Библиотека {number}",
            **account,
        )
        channel = ChannelFactory(
            library=library,
            network=network,
            kind=kind,
            url=data["url"],
            external_id=str(data["external_id"]),
            name=data["name"],
            connection_state=ConnectionState.CONNECTED,
        )
        for name, value in data["tokens"].items():
            if name in SECRETS:
                channel_services.channel_secret_set(
                    channel=channel, kind=SECRETS[name], value=value, actor=None
                )
        channel.sandbox_key = data["key"]
        return channel

    return make


@pytest.fixture
def schedule(admin):
    """A post due now (or at ``at``) on the given channels, its variants scheduled."""

    def make(channels, text="Новые поступления: книги по кардиологии", at=None, **post_fields):
        at = at or timezone.now() - timedelta(seconds=1)
        first = channels[0]
        post = Post.objects.create(
            organisation=first.organisation,
            author=admin,
            text=text,
            scheduled_at=at,
            **post_fields,
        )
        return [
            Variant.objects.create(
                post=post,
                channel=channel,
                text=text,
                scheduled_at=at,
                state=VariantState.SCHEDULED,
            )
            for channel in channels
        ]

    return make


def posts_on(sandbox, channel) -> int:
    return sandbox.accounts()[channel.sandbox_key]["posts"]
