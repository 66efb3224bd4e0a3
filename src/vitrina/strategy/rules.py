"""Who may do what with the strategy: everyone of the organisation reads it,
administrators and editors write it."""

from vitrina.core import rules
from vitrina.core.models import Membership
from vitrina.core.roles import Permission


def can_edit_strategy(membership: Membership | None) -> bool:
    return rules.can_publish(membership)


def can_read_strategy(membership: Membership | None) -> bool:
    return rules.has_permission(membership, Permission.VIEW)
