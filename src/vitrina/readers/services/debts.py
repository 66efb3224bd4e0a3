"""Debts returned after a reminder, for the annual report's figure.

A reminder about an overdue loan counts as answered (``Reminder.returned_after``) when,
within ``VITRINA_READERS_RETURNED_AFTER_DAYS`` of being sent, the loan was renewed (its
row's due day moved past the reminder's) or left the reader's loans as read from the
library system. A loan that left because the reader withdrew consent or unlinked is not
a return: the reader must still be served (a live consent and a reading of their loans
after the reminder). Renewals mark their reminders at once (``renewals``).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from vitrina.core.periodic import JobContext
from vitrina.readers.models import Consent, Loan, Purpose, Reminder, ReminderKind

OVERDUE_KINDS = (
    ReminderKind.OVERDUE_FIRST,
    ReminderKind.OVERDUE_REPEAT,
    ReminderKind.OVERDUE_FINAL,
)


def debts_returned_mark(context: JobContext | None = None) -> int:
    """Mark the reminded debts returned or renewed since; the number marked."""
    now = context.now if context is not None else timezone.now()
    since = now - timedelta(days=settings.READERS_RETURNED_AFTER_DAYS)
    reminded = Reminder.objects.filter(
        state=Reminder.State.SENT,
        kind__in=OVERDUE_KINDS,
        returned_after=False,
        sent_at__gte=since,
    )
    same_loan = Loan.objects.filter(reader_id=OuterRef("reader_id"), loan_id=OuterRef("loan_id"))
    served = Consent.objects.filter(
        reader_id=OuterRef("reader_id"),
        purpose__in=(Purpose.REMINDERS, Purpose.RENEWALS),
        withdrawn_at__isnull=True,
    )
    renewed = Exists(same_loan.filter(due__gt=OuterRef("due")))
    returned = ~Exists(same_loan) & Q(reader__loans_checked_at__gt=F("sent_at")) & Exists(served)
    return reminded.filter(renewed | returned).update(returned_after=True)
