"""Input the report and figures pages refuse with a clear message, losing nothing else."""

import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests.factories import ChannelFactory
from vitrina.analytics.models import AccountSnapshot, PostLatest, Report
from vitrina.analytics.services.account_figures import figures_enter
from vitrina.analytics.services.post_figures import PostRow, post_figures_enter, post_figures_import
from vitrina.analytics.services.reports import report_save
from vitrina.analytics.services.snapshots import AccountFigures
from vitrina.core.exceptions import ServiceError

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(f"analytics:{name}", kwargs={"org": organisation.slug, **kwargs})


def _xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_growth_counted_from_after_the_period_is_refused(admin_client, organisation, admin):
    response = admin_client.post(
        url("report-create", organisation),
        {
            "title": "Отчёт за 2020 год",
            "date_from": "2020-01-01",
            "date_to": "2020-12-31",
            "growth_since": "2021-06-01",
        },
    )
    assert response.status_code == 200
    assert "Рост подписчиков не может начинаться после конца периода." in (
        response.content.decode()
    )
    assert not Report.objects.exists()
    with pytest.raises(ServiceError, match="позже конца периода") as refused:
        report_save(
            organisation=organisation,
            actor=admin,
            title="Отчёт",
            date_from=date(2020, 1, 1),
            date_to=date(2020, 12, 31),
            growth_since=date(2021, 6, 1),
        )
    assert refused.value.field == "growth_since"


def test_a_day_in_the_future_is_refused_by_hand(admin_client, organisation, channel, admin):
    response = admin_client.post(
        url("figures", organisation, channel_id=channel.pk),
        {"day-day": "2030-01-01", "day-followers": "1200"},
    )
    assert response.status_code == 200
    assert "Этот день ещё не наступил" in response.content.decode()
    assert not AccountSnapshot.objects.exists()
    with pytest.raises(ServiceError, match="ещё не наступил"):
        figures_enter(
            channel=channel,
            actor=admin,
            figures=AccountFigures(day=date(2030, 1, 1), followers=1),
        )


def test_today_is_the_channels_today(admin_client, organisation, library):
    """Kemerovo is seven hours ahead of UTC: its today may be tomorrow in Moscow."""
    channel = ChannelFactory(library=library, timezone="Asia/Novokuznetsk")
    local_today = timezone.now().astimezone(ZoneInfo("Asia/Novokuznetsk")).date()
    response = admin_client.post(
        url("figures", organisation, channel_id=channel.pk),
        {"day-day": local_today.isoformat(), "day-visitors": "4"},
    )
    assert response.status_code == 302
    assert AccountSnapshot.objects.get(channel=channel).day == local_today


def test_an_import_reports_the_future_row_and_keeps_the_rest(admin_client, organisation, channel):
    upload = _xlsx([["Дата", "Подписчики"], ["01.03.2025", 1000], ["01.01.2030", 1001]])
    upload.name = "figures.xlsx"
    response = admin_client.post(
        url("figures", organisation, channel_id=channel.pk), {"file-file": upload}, follow=True
    )
    text = response.content.decode()
    assert "Строка 3" in text and "01.01.2030" in text
    assert list(AccountSnapshot.objects.values_list("day", flat=True)) == [date(2025, 3, 1)]


def test_post_figures_of_a_future_date_are_refused(admin_client, organisation, channel, admin):
    response = admin_client.post(
        reverse(
            "analytics:post-figures", kwargs={"org": organisation.slug, "channel_id": channel.pk}
        ),
        {
            "post-link": "https://vk.com/wall-1_9",
            "post-published": "2030-01-01T12:00",
            "post-views": "5",
        },
    )
    assert response.status_code == 200
    assert "Дата публикации ещё не наступила." in response.content.decode()
    with pytest.raises(ServiceError, match=r"01\.01\.2030"):
        post_figures_enter(
            channel=channel,
            actor=admin,
            row=PostRow(link="https://vk.com/wall-1_9", published="01.01.2030", views=5),
        )
    tomorrow = (timezone.now() + timedelta(days=2)).strftime("%d.%m.%Y")
    rows = [["Ссылка", "Дата", "Просмотры"], ["https://vk.com/wall-1_7", "01.03.2025", 10]]
    rows.append(["https://vk.com/wall-1_8", tomorrow, 11])
    result = post_figures_import(
        channel=channel, actor=admin, data=_xlsx(rows).getvalue(), filename="posts.xlsx"
    )
    assert result.imported == 1 and [number for number, _error in result.errors] == [3]
    assert list(PostLatest.objects.values_list("external_id", flat=True)) == ["7"]
