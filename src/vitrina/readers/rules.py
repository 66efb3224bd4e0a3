"""Who sees which page of reader services."""

from vitrina.core import rules
from vitrina.core.models import Membership
from vitrina.core.roles import Role


def can_see_readers_menu(membership: Membership | None) -> bool:
    """The «Читатели» menu item: those who serve readers, and analysts (the counts)."""
    if rules.can_serve_readers(membership):
        return True
    return membership is not None and membership.is_active and membership.role == Role.ANALYST
