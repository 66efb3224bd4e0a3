"""A round of collection over the demo keeps the 2020 report (seed 001) as it was."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from vitrina.analytics.collect import FIRST_DAYS, collect_and_record, collectable_channels
from vitrina.analytics.models import AccountSnapshot, Report
from vitrina.analytics.report import build_report
from vitrina.channels.models import Channel

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
