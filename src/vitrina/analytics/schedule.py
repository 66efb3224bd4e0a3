"""How often a post's figures are read: often while it is fresh, rarely once it is old."""

from datetime import datetime, timedelta

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


def collection_interval(age: timedelta) -> timedelta | None:
    """Hourly for 48 hours, daily to 30 days, weekly to a year, then never."""
    if age < timedelta(hours=48):
        return HOUR
    if age < timedelta(days=30):
        return DAY
    if age < timedelta(days=365):
        return WEEK
    return None


def post_is_due(published_at: datetime, last_taken: datetime | None, now: datetime) -> bool:
    interval = collection_interval(now - published_at)
    if interval is None:
        return False
    return last_taken is None or now - last_taken >= interval


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)
