"""Permission checks on a membership (the acting user within one organisation)."""

from vitrina.core.models import Library, Membership
from vitrina.core.roles import ROLE_PERMISSIONS, Permission


def has_permission(membership: Membership | None, permission: str) -> bool:
    if membership is None or not membership.is_active:
        return False
    return permission in ROLE_PERMISSIONS.get(membership.role, set())


def limited_library_ids(membership: Membership) -> set[int] | None:
    """The libraries a membership is limited to, or None when it sees them all.

    Cached on the instance: views call this many times per request.
    """
    if not hasattr(membership, "_limited_library_ids"):
        ids = {library.pk for library in membership.libraries.all()}
        membership._limited_library_ids = ids or None
    return membership._limited_library_ids


def can_access_library(membership: Membership, library: Library) -> bool:
    limited = limited_library_ids(membership)
    return limited is None or library.pk in limited


def can_manage_members(membership: Membership | None) -> bool:
    return has_permission(membership, Permission.MANAGE_MEMBERS)


def can_view_audit(membership: Membership | None) -> bool:
    return has_permission(membership, Permission.VIEW_AUDIT)


def can_manage_channels(membership: Membership | None) -> bool:
    return has_permission(membership, Permission.MANAGE_CHANNELS)


def can_manage_libraries(membership: Membership | None) -> bool:
    return has_permission(membership, Permission.MANAGE_LIBRARIES)


def can_manage_organisation(membership: Membership | None) -> bool:
    return has_permission(membership, Permission.MANAGE_ORGANISATION)


def can_write_posts(membership: Membership | None) -> bool:
    return has_permission(membership, Permission.WRITE_POSTS)


def can_publish(membership: Membership | None) -> bool:
    """Approve posts and publish without approval (administrators and editors)."""
    return has_permission(membership, Permission.PUBLISH)


def can_answer_readers(membership: Membership | None) -> bool:
    """Read the inbox and reply to readers (administrators, editors, reference librarians)."""
    return has_permission(membership, Permission.ANSWER_READERS)


def can_serve_readers(membership: Membership | None) -> bool:
    """See linked readers, loans and debts, confirm renewals (administrators, reference and
    circulation librarians); analysts see only the counts."""
    return has_permission(membership, Permission.SERVE_READERS)
