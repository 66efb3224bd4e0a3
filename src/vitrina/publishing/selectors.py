"""Reads about the state of publishing: the attempt log and whether anything publishes."""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.models import Organisation
from vitrina.publishing.models import PublishAttempt, SchedulerHeartbeat

STALL_AFTER = timedelta(minutes=2)


def attempts_by_variant(variants: Iterable[Variant]) -> dict[int, list[PublishAttempt]]:
    """The attempt log of each of these variants, oldest first, in one query.

    The variants come from a selector scoped to the acting membership, so their attempts
    are the membership's to see; a variant without attempts has an empty list.
    """
    ids = [variant.pk for variant in variants]
    log: dict[int, list[PublishAttempt]] = {pk: [] for pk in ids}
    if ids:
        for attempt in PublishAttempt.objects.filter(variant_id__in=ids).order_by(
            "started_at", "id"
        ):
            log[attempt.variant_id].append(attempt)
    return log


def scheduler_alive(max_age_seconds: int = 120) -> bool:
    """Whether any scheduler has run publishing's dispatch lately; pages warn when none has."""
    cutoff = timezone.now() - timedelta(seconds=max_age_seconds)
    return SchedulerHeartbeat.objects.filter(seen_at__gte=cutoff).exists()


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
