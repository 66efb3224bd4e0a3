"""Reads about the state of publishing."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.models import Organisation
from vitrina.publishing.scheduler import scheduler_alive

STALL_AFTER = timedelta(minutes=2)


def publishing_stalled(organisation: Organisation) -> bool:
    """Posts of the organisation are overdue and no scheduler has run lately.

    Shown on the posts pages so that "scheduled" never silently means "never".
    """
    overdue = timezone.now() - STALL_AFTER
    late = Variant.objects.filter(
        post__organisation=organisation, state=VariantState.SCHEDULED
    ).filter(
        Q(next_attempt_at__isnull=True, scheduled_at__lte=overdue) | Q(next_attempt_at__lte=overdue)
    )
    return late.exists() and not scheduler_alive(int(STALL_AFTER.total_seconds()))
