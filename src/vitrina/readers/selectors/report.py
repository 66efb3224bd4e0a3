"""The reader services' figures of a period, for the annual report: reminders sent by
kind and network, renewals done online, debts returned after a reminder."""

from collections import Counter
from datetime import date, datetime, time, timedelta

from vitrina.readers.models import Reminder, ReminderKind, RenewalRequest

OVERDUE_KINDS = (
    ReminderKind.OVERDUE_FIRST,
    ReminderKind.OVERDUE_REPEAT,
    ReminderKind.OVERDUE_FINAL,
)


def _between(field: str, date_from: date, date_to: date, zone) -> dict:
    """Whole days ``date_from``..``date_to`` on the clock of ``zone``."""
    return {
        f"{field}__gte": datetime.combine(date_from, time.min, zone),
        f"{field}__lt": datetime.combine(date_to + timedelta(days=1), time.min, zone),
    }


def period_figures(*, organisation, library=None, date_from: date, date_to: date, zone) -> dict:
    reminders = Reminder.objects.filter(
        reader__organisation=organisation,
        state=Reminder.State.SENT,
        **_between("sent_at", date_from, date_to, zone),
    )
    renewals = RenewalRequest.objects.filter(
        organisation=organisation,
        state=RenewalRequest.State.RENEWED,
        **_between("decided_at", date_from, date_to, zone),
    )
    if library is not None:
        reminders = reminders.filter(reader__library=library)
        renewals = renewals.filter(reader__library=library)
    sent = Counter(reminders.values_list("kind", "link__channel__network"))
    by_library: dict[str, list[int]] = {}
    for name, librarian in renewals.values_list("reader__library__name", "decided_by_id"):
        row = by_library.setdefault(name, [0, 0])
        row[0 if librarian is None else 1] += 1
    debts: dict[tuple, bool] = {}
    for key in reminders.filter(kind__in=OVERDUE_KINDS).values_list(
        "reader_id", "loan_id", "due", "returned_after"
    ):
        debts[key[:3]] = debts.get(key[:3], False) or key[3]
    return {
        "sent": sent,
        "networks": sorted({network for _kind, network in sent}),
        "renewals": dict(sorted(by_library.items())),
        "debts": len(debts),
        "returned": sum(debts.values()),
    }
