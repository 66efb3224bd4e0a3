"""Finding due reminders and handing them out, so that each message runs in one place.

A claim is a conditional update PLANNED (or UNKNOWN) → SENDING with a fresh claim token;
on PostgreSQL the picked rows are locked with ``FOR UPDATE SKIP LOCKED`` so that several
senders never wait on or take the same rows. The sender refuses reminders whose claim is
not its own, so a claim that was swept and handed out again is never sent twice. Reminders
of one dialog, due day and kind are claimed together: they travel in one message.
"""

import uuid
from datetime import timedelta

from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.readers.models import Reminder, ReminderAttempt

State = Reminder.State
Outcome = ReminderAttempt.Outcome
CLAIMABLE = (State.PLANNED, State.UNKNOWN)


def reminders_claim(*, now=None, limit: int = 500, claimer: str = "") -> list[tuple[list, str]]:
    """Claim up to ``limit`` due messages; returns ``(reminder ids, claim)`` per message."""
    now = now or timezone.now()
    due = (Q(state=State.PLANNED, expires_at__gt=now) | Q(state=State.UNKNOWN)) & Q(
        not_before__lte=now, claim=""
    )
    with transaction.atomic():
        rows = (
            Reminder.objects.filter(due)
            .order_by("not_before", "id")
            .values_list("id", "link_id", "due", "kind", "message_key")[: limit * 4]
        )
        groups: dict[tuple, list[int]] = {}
        for reminder_id, *key in rows:
            key = tuple(key)
            if key in groups or len(groups) < limit:
                groups.setdefault(key, []).append(reminder_id)
        ids = [reminder_id for members in groups.values() for reminder_id in members]
        if ids and connection.features.has_select_for_update_skip_locked:
            ids = list(
                Reminder.objects.filter(pk__in=ids)
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)
            )
        if not ids:
            return []
        claim = f"{(claimer or 'reminders')[-20:]}:{uuid.uuid4().hex[:12]}"
        # The state and claim conditions make this safe where rows cannot be locked.
        Reminder.objects.filter(pk__in=ids, state__in=CLAIMABLE, claim="").update(
            state=State.SENDING, claim=claim, claimed_at=now
        )
        taken = set(Reminder.objects.filter(claim=claim).values_list("id", flat=True))
    result = []
    for members in groups.values():
        members = [reminder_id for reminder_id in members if reminder_id in taken]
        if members:
            result.append((members, claim))
    return result


def reminders_sweep_stale(*, now=None) -> int:
    """Give back claims whose worker has not finished within the lease (it died or hangs).

    A reminder with a stored key may have gone out: it comes back as ``unknown`` and is
    looked up on the network before anything is sent; one without was never sent.
    """
    now = now or timezone.now()
    lease = timedelta(seconds=django_settings.READERS_REMINDER_LEASE_SECONDS)
    stale = Reminder.objects.filter(state=State.SENDING, claimed_at__lt=now - lease)
    ReminderAttempt.objects.filter(reminder__in=stale, outcome=Outcome.STARTED).update(
        outcome=Outcome.UNKNOWN, detail=_("The sender stopped mid-way."), finished_at=now
    )
    # They were due when claimed, so they are due again at once.
    unknown = stale.exclude(message_key="").update(
        state=State.UNKNOWN, claim="", result=_("The sender stopped mid-way.")
    )
    planned = stale.filter(message_key="").update(state=State.PLANNED, claim="")
    return unknown + planned
