"""Who may do what in the catalogue: everyone reads it, admins and editors change it."""

from vitrina.core.models import Membership
from vitrina.core.roles import Permission, Role
from vitrina.core.rules import has_permission

MANAGING_ROLES = {Role.ADMIN, Role.EDITOR}


def can_view_catalogue(membership: Membership | None) -> bool:
    return has_permission(membership, Permission.VIEW)


def can_manage_catalogue(membership: Membership | None) -> bool:
    return can_view_catalogue(membership) and membership.role in MANAGING_ROLES
