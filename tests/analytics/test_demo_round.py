"""A round of collection over the demo keeps the 2020 report (seed 001) as it was."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vitrina.analytics.collect import FIRST_DAYS, collect_and_record, collectable_channels
from vitrina.analytics.models import AccountSnapshot, Report
from vitrina.analytics.report import build_report
from vitrina.channels.models import Channel
from vitrina.core.models import Membership

pytestmark = pytest.mark.django_db

EXHIBITIONS = [3742, 562, 486, 418, 683]


def _figures(data):
    (vk,) = [total for total in data.networks if total.label == "ВКонтакте"]
    rows = {row.address: row for row in data.channels}
    group = rows["https://vk.com/medlib42"]
    return {
        "posts": vk.posts,
        "friends": vk.friends_added,
        "views": vk.views,
        "per_day": vk.visitors_per_day,
        "series": sorted(item.views for item in data.series),
        "series_total": (
            data.series_total.views,
            data.series_total.likes,
            data.series_total.reposts,
        ),
        "group": (group.followers, group.visits),
    }


def test_a_collection_round_keeps_the_2020_report(demo):
    report = Report.objects.get(organisation__slug="knmb")
    group = Channel.objects.get(url="https://vk.com/medlib42")
    before = _figures(build_report(report))
    assert before == {
        "posts": 65,
        "friends": 1195,
        "views": 27007,
        "per_day": 9.9,
        "series": sorted(EXHIBITIONS),
        "series_total": (5891, 191, 13),
        "group": (490, 1386),
    }
    stored = dict(
        AccountSnapshot.objects.filter(channel=group, day__gte=date(2020, 12, 30)).values_list(
            "day", "followers"
        )
    )

    results = [collect_and_record(channel) for channel in collectable_channels()]
    assert any(result.days for result in results)

    assert _figures(build_report(report)) == before
    after = dict(
        AccountSnapshot.objects.filter(
            channel=group, day__gte=date(2020, 12, 30), day__lte=date(2020, 12, 31)
        ).values_list("day", "followers")
    )
    assert after == {day: stored[day] for day in after} and after[date(2020, 12, 31)] == 490
    # Nothing invented for the years between the demo's history and today.
    first_read = timezone.localdate() - timedelta(days=FIRST_DAYS)
    assert not AccountSnapshot.objects.filter(
        channel=group, day__gt=date(2020, 12, 31), day__lt=first_read
    ).exists()


def test_after_a_round_the_month_grows_only_between_its_own_readings(demo, client):
    """The demo's history ends in 2020; a round today reads the VK group's count once. The
    month's growth never runs from the 2020 count to today's (the "490 → 2 540" jump)."""
    knmb = Report.objects.get(organisation__slug="knmb").organisation
    group = Channel.objects.get(url="https://vk.com/medlib42")
    for channel in collectable_channels():
        collect_and_record(channel)
    today = timezone.localdate()
    read_today = AccountSnapshot.objects.get(channel=group, day=today).followers
    assert read_today is not None
    client.force_login(Membership.objects.filter(organisation=knmb, role="admin").first().user)
    response = client.get(
        reverse("analytics:dashboard", kwargs={"org": knmb.slug}),
        {"date_from": (today - timedelta(days=29)).isoformat(), "date_to": today.isoformat()},
    )
    board = response.context["board"]
    assert board.growth.change is None and board.current["growth"] is None
    (row,) = [c for c in board.channels if c.pk == group.pk]
    assert (row.current_from, row.current_to) == (read_today, read_today)
    text = response.content.decode()
    growth = text[text.index('id="growth"') :][:600]
    assert "490 →" not in growth and "×" not in growth
    assert "только одно измерение" in growth
