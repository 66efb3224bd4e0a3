from tests.factories.channels import ChannelFactory
from tests.factories.content import (
    PostFactory,
    RubricFactory,
    SeriesFactory,
    SlotFactory,
    VariantFactory,
)
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
    "PostFactory",
    "RubricFactory",
    "SeriesFactory",
    "SlotFactory",
    "UserFactory",
    "VariantFactory",
]
