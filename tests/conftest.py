import pytest
from django.core.cache import cache

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from vitrina.core.roles import Role


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
