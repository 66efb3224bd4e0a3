from tests.factories.channels import ChannelFactory
from tests.factories.core import (
    LibraryFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

__all__ = [
    "ChannelFactory",
    "LibraryFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
]
