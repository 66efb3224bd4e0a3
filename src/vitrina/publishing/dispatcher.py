"""Finding due variants and handing them out, so that each runs in exactly one place.

A claim is a conditional update SCHEDULED → PUBLISHING with a fresh claim id; on
PostgreSQL the picked rows are locked with ``FOR UPDATE SKIP LOCKED`` so that several
schedulers never wait on or take the same rows. The executor refuses to run a variant whose
claim id is not its own, so a claim that was swept and handed out again is never run twice.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from vitrina.channels.services import channels_publish_hold
from vitrina.content.models import Variant
from vitrina.content.states import VariantState


def _due(now):
    return Q(state=VariantState.SCHEDULED) & (
        Q(next_attempt_at__isnull=False, next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, scheduled_at__lte=now)
    )


def _channel_free(now):
    return Q(channel__publish_not_before__isnull=True) | Q(channel__publish_not_before__lte=now)


def claim_due(*, now=None, limit: int = 500, claimer: str = "") -> list[tuple[int, str]]:
    """Claim up to ``limit`` due variants; returns ``(variant id, claim id)`` pairs."""
    now = now or timezone.now()
    per_channel = settings.PUBLISH_CHANNEL_BURST
    with transaction.atomic():
        # One channel at a time (by default): ten posts due at once on one channel must not
        # occupy every worker while the network's limit lets them out one by one. The
        # channel is held for a lease; the worker frees it at the network's pace.
        candidates = (
            Variant.objects.filter(_due(now) & _channel_free(now))
            .order_by("scheduled_at", "id")
            .values_list("id", "channel_id")[: limit * 4]
        )
        taken: dict[int, int] = {}
        ids = []
        for variant_id, channel_id in candidates:
            if taken.get(channel_id, 0) < per_channel:
                taken[channel_id] = taken.get(channel_id, 0) + 1
                ids.append(variant_id)
                if len(ids) == limit:
                    break
        if ids and connection.features.has_select_for_update_skip_locked:
            # Lock only what is picked; rows another scheduler holds are left to it.
            ids = list(
                Variant.objects.filter(pk__in=ids)
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)
            )
        if not ids:
            return []
        claim = f"{claimer or 'scheduler'}:{uuid.uuid4().hex[:12]}"
        # The state condition makes the claim safe where rows cannot be locked (SQLite):
        # a variant edited or claimed in between simply drops out.
        Variant.objects.filter(pk__in=ids, state=VariantState.SCHEDULED).update(
            state=VariantState.PUBLISHING, claimed_by=claim, claimed_at=now
        )
        claimed = list(
            Variant.objects.filter(pk__in=ids, claimed_by=claim).values_list("id", "channel_id")
        )
        channels_publish_hold(
            channel_ids={channel_id for _id, channel_id in claimed},
            until=now + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS),
        )
        return [(variant_id, claim) for variant_id, _channel_id in claimed]


def sweep_stale(*, now=None) -> int:
    """Give claims back whose worker has not finished within the lease (it died or hangs).

    The lease is longer than any single publish can take, so a live worker is never swept;
    the next run reconciles through the network before publishing again.
    """
    now = now or timezone.now()
    lease = timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
    stale = Variant.objects.filter(state=VariantState.PUBLISHING, claimed_at__lt=now - lease)
    channels = list(stale.values_list("channel_id", flat=True))
    count = stale.update(state=VariantState.SCHEDULED, claimed_by="", next_attempt_at=now)
    if channels:
        channels_publish_hold(channel_ids=channels, until=None)
    return count


def in_flight() -> int:
    return Variant.objects.filter(state=VariantState.PUBLISHING).count()
