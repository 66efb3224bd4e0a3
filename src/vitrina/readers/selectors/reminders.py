"""Reads of reminders for the librarians' pages, scoped to the organisation."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from vitrina.core.models import Library
from vitrina.readers.models import Reminder

# Reminders a librarian should look at: not delivered, or delivered perhaps.
TROUBLE = (Reminder.State.FAILED, Reminder.State.UNKNOWN)


def reminder_summary(*, library: Library, days: int = 7, limit: int = 10) -> dict:
    """The library's reminders of the last ``days`` by state, and the latest that failed or
    whose delivery is unknown, with the reason."""
    since = timezone.now() - timedelta(days=days)
    recent = Reminder.objects.filter(reader__library=library, created_at__gte=since)
    counts = dict(recent.values_list("state").annotate(n=Count("id")).order_by())
    trouble = list(
        recent.filter(state__in=TROUBLE)
        .select_related("reader", "link__channel")
        .order_by("-created_at", "-id")[:limit]
    )
    return {"counts": counts, "trouble": trouble, "days": days}
