import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    UserFactory,
    VariantFactory,
)
from tests.networks import KINDS, SECRETS
from vitrina.channels import services as channel_services
from vitrina.channels.networks import ConnectionState
from vitrina.channels.providers.registry import provider_class
from vitrina.content.states import VariantState
from vitrina.core.roles import Role
from vitrina.sandbox.testing import SandboxClient, start_sandbox

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login throttling counts live in the cache; tests must not see each other's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(slug="cbs", name="ЦБС Медногорска")


@pytest.fixture
def library(organisation):
    return LibraryFactory(organisation=organisation, name="Центральная городская библиотека")


@pytest.fixture
def admin_membership(organisation):
    return MembershipFactory(organisation=organisation, role=Role.ADMIN)


@pytest.fixture
def admin(admin_membership):
    return admin_membership.user


@pytest.fixture
def member_factory(organisation):
    def make(role=Role.AUTHOR, libraries=(), **kwargs):
        membership = MembershipFactory(organisation=organisation, role=role, **kwargs)
        membership.libraries.set(libraries)
        return membership

    return make


@pytest.fixture
def channel(library):
    return ChannelFactory(library=library, name="Медногорский винил", url="https://vk.com/vinilius")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def user(db):
    return UserFactory()


# The networks' sandbox, served once for the whole run over real HTTP.


@pytest.fixture(scope="session")
def sandbox_server():
    server = start_sandbox(seed=42)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server):
    """A client of the sandbox, reset to its seed's world; faults cleared afterwards."""
    client = SandboxClient(sandbox_server.url)
    client.reset()
    yield client
    client.clear_faults()
    client.http.close()


@pytest.fixture
def networks(settings, sandbox):
    """Every network at the sandbox, as in the demo."""
    for network in KINDS:
        setattr(settings, provider_class(network).settings_name, sandbox.api_url(network))
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
        post = PostFactory(
            organisation=channels[0].organisation,
            author=admin,
            text=text,
            scheduled_at=at,
            **post_fields,
        )
        return [
            VariantFactory(
                post=post,
                channel=channel,
                text=text,
                scheduled_at=at,
                state=VariantState.SCHEDULED,
            )
            for channel in channels
        ]

    return make
