"""Who may do what with analytics: everyone reads the figures; those who publish write
the reports' wording (analysts read, as their role promises)."""

from vitrina.core.models import Membership
from vitrina.core.rules import can_publish


def can_edit_reports(membership: Membership | None) -> bool:
    return can_publish(membership)


def can_collect_now(membership: Membership | None) -> bool:
    """Asking the networks at once spends their request limits: those who publish may."""
    return can_publish(membership)
