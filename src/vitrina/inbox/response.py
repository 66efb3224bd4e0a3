"""Response-time figures: how soon readers get a first answer, and who keeps them waiting."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.models import Membership
from vitrina.inbox.models import Thread, ThreadStatus


def answer_deadline(since: datetime, working_days: int) -> datetime:
    """``since`` plus the target in working days: Saturdays and Sundays do not count."""
    days = working_days
    moment = since
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def overdue_cutoff(working_days: int, now: datetime | None = None) -> datetime:
    """Threads awaiting an answer since before this moment are overdue.

    The inverse of ``answer_deadline``: step back over the organisation's working days.
    """
    moment = now or timezone.now()
    days = working_days
    while days > 0:
        moment -= timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def is_overdue(thread: Thread, cutoff: datetime) -> bool:
    return (
        thread.awaiting_since is not None
        and thread.status != ThreadStatus.CLOSED
        and thread.awaiting_since < cutoff
    )


def duration_text(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


@dataclass
class AnswerFigures:
    name: str
    threads: int
    median: timedelta | None
    mean: timedelta | None

    @property
    def median_text(self) -> str:
        return duration_text(self.median)

    @property
    def mean_text(self) -> str:
        return duration_text(self.mean)


def _figures(name: str, waits: list[timedelta]) -> AnswerFigures:
    if not waits:
        return AnswerFigures(name, 0, None, None)
    return AnswerFigures(
        name,
        len(waits),
        median(waits),
        sum(waits, timedelta()) / len(waits),
    )


def first_answer_figures(threads) -> tuple[AnswerFigures, list[AnswerFigures]]:
    """Time to first answer over the given threads, overall and per librarian."""
    rows = threads.filter(first_answer_at__isnull=False).values_list(
        "first_inbound_at", "first_answer_at", "first_answer_by"
    )
    overall, by_member = [], {}
    for asked, answered, member_id in rows:
        wait = answered - asked
        overall.append(wait)
        by_member.setdefault(member_id, []).append(wait)
    members = {
        m.pk: m.user.get_full_name() or m.user.username
        for m in Membership.objects.filter(pk__in=[k for k in by_member if k]).select_related(
            "user"
        )
    }
    per_member = sorted(
        (_figures(members.get(member_id, "—"), waits) for member_id, waits in by_member.items()),
        key=lambda row: row.name,
    )
    return _figures("", overall), per_member
