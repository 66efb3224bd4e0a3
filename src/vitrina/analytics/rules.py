"""Who may do what with analytics: everyone reads the figures; those who publish write
the reports' wording (analysts read, as their role promises)."""

from vitrina.core.models import Membership
from vitrina.core.rules import can_publish


def can_edit_reports(membership: Membership | None) -> bool:
    return can_publish(membership)
