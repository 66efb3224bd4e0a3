"""Subscribers' growth between real readings, from figures the collection stored."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vitrina.analytics.collect import collect_and_record
from vitrina.analytics.models import AccountSnapshot
from vitrina.analytics.services.snapshots import AccountFigures, account_snapshots_save
from vitrina.channels.networks import Network

pytestmark = pytest.mark.django_db


def _board(client, organisation, day_from: date, day_to: date):
    response = client.get(
        reverse("analytics:dashboard", kwargs={"org": organisation.slug}),
        {"date_from": day_from.isoformat(), "date_to": day_to.isoformat()},
    )
    assert response.status_code == 200
    return response.context["board"], response.content.decode()


def _read_days(channel) -> dict[date, int]:
    return dict(
        AccountSnapshot.objects.filter(channel=channel, followers__isnull=False).values_list(
            "day", "followers"
        )
    )


def test_growth_runs_between_the_readings_the_network_gave(
    networks, connect, admin_client, organisation
):
    channel = connect(Network.VK)
    # A count from years ago (as the demo's history has): never the start of a recent period.
    account_snapshots_save(
        channel=channel, figures=[AccountFigures(day=date(2020, 12, 31), followers=490)]
    )
    first_moment = timezone.now()
    assert not collect_and_record(channel, now=first_moment).skipped
    today = timezone.localdate(first_moment)
    readings = _read_days(channel)
    # The network tells today's count only: the month read back has one reading.
    assert set(readings) == {date(2020, 12, 31), today}
    assert AccountSnapshot.objects.filter(channel=channel, day__gt=date(2021, 1, 1)).count() > 1

    board, text = _board(admin_client, organisation, today - timedelta(days=29), today)
    assert board.growth.change is None and board.growth.single == today
    assert board.current["growth"] is None
    assert board.current["subscribers"] == readings[today]
    assert "только одно измерение" in text and "×" not in text[text.index('id="growth"') :][:400]

    # Two days on, a second reading: the growth runs from the first to it, and says that
    # the first came after the period's first day.
    networks.advance(2 * 86400)
    later = first_moment + timedelta(days=2)
    assert not collect_and_record(channel, now=later).skipped
    second = timezone.localdate(later)
    readings = _read_days(channel)
    assert set(readings) == {date(2020, 12, 31), today, second}

    board, text = _board(admin_client, organisation, second - timedelta(days=29), second)
    growth = board.growth
    assert (growth.followers_from, growth.followers_to) == (readings[today], readings[second])
    assert growth.first_day == today and growth.last_day is None
    assert board.current["growth"] == readings[second] - readings[today]
    months = {12: "декабря", 1: "января", 2: "февраля", 3: "марта"}
    if today.month in months:
        assert f"первое измерение — {today.day} {months[today.month]}" in text


def test_vk_days_are_moscow_days_late_in_the_utc_evening(networks, connect):
    """At 22:30 UTC it is already tomorrow in Moscow: the day VK counts and the day Vitrina
    stores are the same one, and today's count lands on it."""
    channel = connect(Network.VK)
    now = timezone.now()
    evening = datetime.combine(now.astimezone(UTC).date(), time(22, 30), UTC)
    if evening < now:
        evening += timedelta(days=1)
    networks.advance((evening - now).total_seconds())
    assert not collect_and_record(channel, now=evening).skipped
    moscow_today = timezone.localdate(evening)
    assert moscow_today == evening.date() + timedelta(days=1)
    assert set(_read_days(channel)) == {moscow_today}
    assert not AccountSnapshot.objects.filter(channel=channel, day__gt=moscow_today).exists()
