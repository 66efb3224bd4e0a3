"""Subscribers' growth between real readings.

A reading is a channel's day whose subscribers the network gave (or a person entered):
most networks tell only today's count, so the days between readings stay unknown rather
than filled in. The growth over a period runs from the first reading inside it (the count
on its first day where there is one) to the last reading inside it; a channel with fewer
than two readings there has no growth, and a reading from before the period never stands
in for its start. Where the first reading comes later than the
period's first day, the growth says from when it counts ("первое измерение — 12 марта").
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery

from vitrina.analytics.models import AccountSnapshot


def _readings(day_from: date, day_to: date, *, last: bool):
    return AccountSnapshot.objects.filter(
        channel=OuterRef("pk"), day__gte=day_from, day__lte=day_to, followers__isnull=False
    ).order_by("-day" if last else "day")


def reading_annotations(name: str, day_from: date, day_to: date) -> dict:
    """Annotations of a channel queryset: ``{name}_from``/``_from_day`` (the first count
    inside the days) and ``{name}_to``/``_to_day`` (the last one)."""
    first = _readings(day_from, day_to, last=False)
    last = _readings(day_from, day_to, last=True)
    return {
        f"{name}_from": Subquery(first.values("followers")[:1]),
        f"{name}_from_day": Subquery(first.values("day")[:1]),
        f"{name}_to": Subquery(last.values("followers")[:1]),
        f"{name}_to_day": Subquery(last.values("day")[:1]),
    }


@dataclass
class Growth:
    day_from: date
    day_to: date
    followers_from: int | None = None
    followers_to: int | None = None
    first_day: date | None = None  # the latest channel's first reading, if after day_from
    last_day: date | None = None  # the earliest channel's last reading, if before day_to
    counted: int = 0  # channels with two readings
    once: int = 0  # channels read only once in the days, left out of the growth
    single: date | None = None  # one reading only, on this day (no channel has two)

    @property
    def change(self) -> int | None:
        if self.followers_from is None or self.followers_to is None:
            return None
        return self.followers_to - self.followers_from

    @property
    def factor(self) -> float | None:
        if not self.followers_from or self.followers_to is None:
            return None
        return round(self.followers_to / self.followers_from, 1)


def _day(channel, attr: str) -> date | None:
    value = getattr(channel, attr)
    return date.fromisoformat(value) if isinstance(value, str) else value


def growth_of(channels, name: str, day_from: date, day_to: date) -> Growth:
    """The channels' growth (annotated by ``reading_annotations(name, …)``), summed over
    those with two readings in the days."""
    growth = Growth(day_from, day_to)
    firsts, lasts, singles = [], [], []
    total_from = total_to = 0
    for channel in channels:
        start, end = _day(channel, f"{name}_from_day"), _day(channel, f"{name}_to_day")
        if start is None or end is None:
            continue
        if start >= end:
            singles.append(end)
            continue
        total_from += getattr(channel, f"{name}_from")
        total_to += getattr(channel, f"{name}_to")
        firsts.append(start)
        lasts.append(end)
    growth.once = len(singles)
    if not firsts:
        growth.single = max(singles) if singles else None
        return growth
    growth.followers_from, growth.followers_to = total_from, total_to
    growth.counted = len(firsts)
    if max(firsts) > day_from:
        growth.first_day = max(firsts)
    if min(lasts) < day_to:
        growth.last_day = min(lasts)
    return growth


def subscribers_at_end(channels, name: str) -> int | None:
    """The channels' last counts inside the days, over those that have one."""
    counts = [getattr(c, f"{name}_to") for c in channels if getattr(c, f"{name}_to") is not None]
    return sum(counts) if counts else None


def subscribers_mean(channels, name: str) -> float | None:
    """The period's mean subscribers: each channel's first and last reading inside the
    days averaged (one reading is its own mean), added up over the channels read."""
    means = [
        (getattr(c, f"{name}_from") + getattr(c, f"{name}_to")) / 2
        for c in channels
        if getattr(c, f"{name}_to") is not None
    ]
    return sum(means) if means else None
