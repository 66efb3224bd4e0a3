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
    assert growth.once == 0
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


@pytest.mark.parametrize("narrowed", [False, True])
def test_a_day_with_a_channel_unread_is_not_a_fall(admin_client, organisation, library, narrowed):
    from tests.factories import ChannelFactory

    first, second = ChannelFactory(library=library), ChannelFactory(library=library)
    start = date(2025, 3, 1)
    for channel, base in ((first, 1000), (second, 400)):
        account_snapshots_save(
            channel=channel,
            figures=[
                AccountFigures(
                    day=start + timedelta(days=n),
                    # The second channel was not read on the 5th.
                    followers=None if channel == second and n == 4 else base + n,
                    visitors=3,
                )
                for n in range(10)
            ],
        )
    params = {"date_from": "2025-03-01", "date_to": "2025-03-10"}
    if narrowed:
        params["library"] = library.pk
    response = admin_client.get(
        reverse("analytics:dashboard", kwargs={"org": organisation.slug}), params
    )
    daily = {row["day"]: row for row in response.context["board"].daily}
    fifth = daily[date(2025, 3, 5)]
    assert fifth["followers"] is None and fifth["partial"] == 1004
    assert (fifth["read"], fifth["full"]) == (1, 2)
    assert daily[date(2025, 3, 4)]["followers"] == 1003 + 403
    text = response.content.decode()
    assert "1\xa0004 <small" in text and "(1 из 2 каналов)" in text
    assert "сумма несравнима" in text
    board = response.context["board"]
    assert board.current["growth"] == (1009 + 409) - (1000 + 400)


def test_the_days_kept_before_learn_how_many_channels_they_hold(organisation, library):
    import importlib

    from django.apps import apps

    from tests.factories import ChannelFactory
    from vitrina.analytics.models import OrganisationDay

    for base in (10, 20):
        account_snapshots_save(
            channel=ChannelFactory(library=library),
            figures=[
                AccountFigures(day=date(2025, 3, 1), followers=base),
                AccountFigures(day=date(2025, 3, 2), followers=base if base == 10 else None),
            ],
        )
    kept = OrganisationDay.objects.filter(organisation=organisation)
    expected = dict(kept.values_list("day", "read"))
    assert expected == {date(2025, 3, 1): 2, date(2025, 3, 2): 1}
    kept.update(read=0)
    migration = importlib.import_module("vitrina.analytics.migrations.0010_organisation_day_read")
    migration.count_read(apps, None)
    assert dict(kept.values_list("day", "read")) == expected


def test_a_channel_read_once_is_left_out_of_the_growth_and_said_so(
    admin_client, organisation, library
):
    from tests.factories import ChannelFactory

    twice, once = ChannelFactory(library=library), ChannelFactory(library=library)
    account_snapshots_save(
        channel=twice,
        figures=[
            AccountFigures(day=date(2025, 3, 1), followers=100),
            AccountFigures(day=date(2025, 3, 10), followers=150),
        ],
    )
    account_snapshots_save(
        channel=once, figures=[AccountFigures(day=date(2025, 3, 10), followers=900)]
    )
    board, text = _board(admin_client, organisation, date(2025, 3, 1), date(2025, 3, 10))
    assert (board.growth.followers_from, board.growth.followers_to) == (100, 150)
    assert board.growth.counted == 1 and board.growth.once == 1
    assert board.current["subscribers"] == 150 + 900 and board.current["growth"] == 50
    assert "без 1 канала, измеренного за эти дни только раз" in text
