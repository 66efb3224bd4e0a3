"""The debtors list: overdue loans of linked readers by days overdue, each with its last
reminder and renewal request, and the counts an analyst is shown instead.

"Overdue" is counted on each library's own clock: a loan due yesterday in Vladivostok may
still be due today in Kaliningrad. One query gives a page with everything on it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.models import Library, Membership
from vitrina.readers.models import Loan, Reminder, RenewalRequest
from vitrina.readers.selectors._common import library_scope


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    least: int  # days overdue, inclusive
    most: int | None  # inclusive; None: no end


def groups() -> list[Group]:
    return [
        Group("1-7", _("1–7 days"), 1, 7),
        Group("8-30", _("8–30 days"), 8, 30),
        Group("30+", _("Over 30 days"), 31, None),
    ]


GROUP_KEYS = ("1-7", "8-30", "30+")


def _zones(membership: Membership) -> list[str]:
    libraries = library_scope(
        Library.objects.filter(organisation_id=membership.organisation_id), membership, "pk"
    )
    return sorted(set(libraries.values_list("timezone", flat=True)))


def _days_before(zone: str, days: int) -> date:
    return timezone.localdate(timezone=ZoneInfo(zone)) - timedelta(days=days)


def _overdue_by(zones: list[str], least: int, most: int | None) -> Q:
    """Loans ``least``..``most`` days overdue, each on its library's clock."""
    condition = Q(pk__in=[])
    for zone in zones:
        one = Q(reader__library__timezone=zone, due__lte=_days_before(zone, least))
        if most is not None:
            one &= Q(due__gte=_days_before(zone, most))
        condition |= one
    return condition


def overdue_loans(
    membership: Membership, *, group: str = "", library_id: int | None = None
) -> QuerySet[Loan]:
    """Overdue loans the membership may see, the longest overdue first."""
    zones = _zones(membership)
    loans = library_scope(
        Loan.objects.filter(reader__organisation_id=membership.organisation_id),
        membership,
        "reader__library_id",
    )
    if library_id is not None:
        loans = loans.filter(reader__library_id=library_id)
    chosen = next((item for item in groups() if item.key == group), None)
    if chosen is not None:
        loans = loans.filter(_overdue_by(zones, chosen.least, chosen.most))
    else:
        loans = loans.filter(_overdue_by(zones, 1, None))
    return loans.select_related("reader__library").order_by("due", "pk")


def with_history(loans: QuerySet[Loan]) -> QuerySet[Loan]:
    """Each loan with its last reminder (kind, when, how it went) and last renewal
    request, read in the same query."""
    reminders = Reminder.objects.filter(
        reader_id=OuterRef("reader_id"), loan_id=OuterRef("loan_id")
    ).order_by("-created_at", "-pk")
    requests = RenewalRequest.objects.filter(
        reader_id=OuterRef("reader_id"), loan_id=OuterRef("loan_id")
    ).order_by("-requested_at", "-pk")
    return loans.annotate(
        reminder_kind=Subquery(reminders.values("kind")[:1]),
        reminder_state=Subquery(reminders.values("state")[:1]),
        reminder_sent_at=Subquery(reminders.values("sent_at")[:1]),
        reminder_created_at=Subquery(reminders.values("created_at")[:1]),
        reminder_result=Subquery(reminders.values("result")[:1]),
        renewal_state=Subquery(requests.values("state")[:1]),
        renewal_requested_at=Subquery(requests.values("requested_at")[:1]),
    )


def days_overdue(loan: Loan) -> int:
    today = timezone.localdate(timezone=ZoneInfo(loan.reader.library.timezone))
    return (today - loan.due).days


def debtor_counts(membership: Membership, *, library_id: int | None = None) -> dict[str, int]:
    """Overdue loans per group (and ``total``): one query."""
    zones = _zones(membership)
    loans = library_scope(
        Loan.objects.filter(reader__organisation_id=membership.organisation_id),
        membership,
        "reader__library_id",
    )
    if library_id is not None:
        loans = loans.filter(reader__library_id=library_id)
    cases = {
        f"group{index}": Count(
            Case(When(_overdue_by(zones, item.least, item.most), then=1)),
            output_field=IntegerField(),
        )
        for index, item in enumerate(groups())
    }
    found = loans.aggregate(**cases)
    counts = {key: found[f"group{index}"] or 0 for index, key in enumerate(GROUP_KEYS)}
    counts["total"] = sum(counts.values())
    return counts
