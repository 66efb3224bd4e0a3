"""Roles of a membership and what each may do.

One table decides every permission so that pages, the API and tasks agree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    AUTHOR = "author", _("Author")
    REFERENCE = "reference", _("Reference librarian")
    ANALYST = "analyst", _("Analyst")
    CIRCULATION = "circulation", _("Circulation librarian")


ROLE_HELP = {
    Role.ADMIN: _("Everything, including people, roles and the audit log."),
    Role.EDITOR: _("Manages channels, approves and schedules posts."),
    Role.AUTHOR: _("Writes drafts and submits them for approval."),
    Role.REFERENCE: _("Answers readers in the inbox and keeps reference inquiries."),
    Role.ANALYST: _("Sees figures and reports, changes nothing."),
    Role.CIRCULATION: _("Serves readers: linked readers, debtors, reminders and renewals."),
}


class Permission(models.TextChoices):
    VIEW = "view"
    MANAGE_ORGANISATION = "manage_organisation"
    MANAGE_MEMBERS = "manage_members"
    VIEW_AUDIT = "view_audit"
    MANAGE_CHANNELS = "manage_channels"
    MANAGE_LIBRARIES = "manage_libraries"
    WRITE_POSTS = "write_posts"
    # Approve others' posts and publish without approval.
    PUBLISH = "publish"
    # Read readers' messages and comments in the inbox and answer them.
    ANSWER_READERS = "answer_readers"
    # See linked readers, their loans and debts; confirm renewals (reader services).
    SERVE_READERS = "serve_readers"


_EVERYONE = {Permission.VIEW}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.ADMIN: set(Permission),
    Role.EDITOR: _EVERYONE
    | {
        Permission.MANAGE_CHANNELS,
        Permission.WRITE_POSTS,
        Permission.PUBLISH,
        Permission.ANSWER_READERS,
    },
    Role.AUTHOR: _EVERYONE | {Permission.WRITE_POSTS},
    Role.REFERENCE: _EVERYONE | {Permission.ANSWER_READERS, Permission.SERVE_READERS},
    Role.CIRCULATION: _EVERYONE | {Permission.ANSWER_READERS, Permission.SERVE_READERS},
    Role.ANALYST: set(_EVERYONE),
}
