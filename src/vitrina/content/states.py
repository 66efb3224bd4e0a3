"""States of a post's variant on one channel, and which moves between them are allowed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VariantState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
    # The outcome of a publish is unknown and the network cannot be asked: a person decides.
    NEEDS_CHECK = "needs_check", _("Needs checking")
    CANCELLED = "cancelled", _("Cancelled")
    DELETED = "deleted", _("Deleted from the network")


# States in which the text and time may still change.
EDITABLE = {
    VariantState.DRAFT,
    VariantState.PENDING_APPROVAL,
    VariantState.SCHEDULED,
    VariantState.FAILED,
    VariantState.NEEDS_RECONNECT,
}
# States the dispatcher never touches again.
FINAL = {VariantState.PUBLISHED, VariantState.CANCELLED, VariantState.DELETED}
