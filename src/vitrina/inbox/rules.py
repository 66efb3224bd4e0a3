"""Who may do what in the inbox, on top of the roles: senior librarians see to complaints
first; the ``require_*`` checks refuse with the ``ServiceError`` the services give."""

from django.utils.translation import gettext as _

from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.inbox.models import Thread


def is_senior(membership: Membership) -> bool:
    """Senior librarians (administrators and editors) see to complaints first."""
    return rules.can_answer_readers(membership) and rules.can_publish(membership)


def require_answerer(membership: Membership, thread: Thread):
    if not rules.can_answer_readers(membership) or not rules.can_access_library(
        membership, thread.channel.library
    ):
        raise ServiceError(_("You may not answer readers of this channel."), code="forbidden")


def require_reply_allowed(membership: Membership, thread: Thread):
    require_answerer(membership, thread)
    if thread.flagged and not is_senior(membership) and thread.assignee_id != membership.pk:
        raise ServiceError(
            _(
                "This conversation looks like a complaint: a senior librarian answers it "
                "or assigns it to you first."
            ),
            code="forbidden",
        )
