"""Collecting from the emulated networks over real HTTP."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.publishing.test_engine import run_once
from vitrina.analytics.collect import collect_channel
from vitrina.analytics.models import AccountSnapshot, PostLatest, PostSnapshot
from vitrina.channels.networks import ConnectionState, Network
from vitrina.channels.providers.types import Payload

pytestmark = pytest.mark.django_db


def _morning_in_both_calendars(networks) -> datetime:
    """Moves the network's clock on to the next 06:00 UTC (09:00 in Moscow) and returns that
    moment: the collections below then fall within one day both of the network's daily
    periods and of the library's calendar, where a day that begins between them would rightly
    add its own row."""
    real = datetime.now(UTC)
    morning = real.replace(hour=6, minute=0, second=0, microsecond=0)
    if morning <= real:
        morning += timedelta(days=1)
    networks.advance((morning - real).total_seconds())
    return morning


def test_vk_figures_are_collected_once_per_moment(networks, connect, schedule):
    start = _morning_in_both_calendars(networks)
    channel = connect(Network.VK)
    (variant,) = schedule([channel])
    run_once(variant)
    # A post made on the wall directly, outside Vitrina.
    outside = networks.provider("vk").publish(
        networks.account(channel.sandbox_key), Payload(text="Пост, написанный во ВКонтакте")
    )
    networks.advance(3600)

    result = collect_channel(channel, now=start + timedelta(hours=1))
    assert not result.skipped, result.notes
    assert result.days > 0 and result.posts == 2
    ours = PostSnapshot.objects.get(channel=channel, external_id=variant.external_id)
    assert ours.variant == variant and ours.views is not None
    theirs = PostSnapshot.objects.get(channel=channel, external_id=outside.external_id)
    assert theirs.variant is None and theirs.published_at is not None
    account_rows = AccountSnapshot.objects.filter(channel=channel).count()

    # Again within the hour: nothing is due, nothing is added.
    collect_channel(channel, now=start + timedelta(hours=1, minutes=5))
    assert PostSnapshot.objects.filter(channel=channel).count() == 2
    assert AccountSnapshot.objects.filter(channel=channel).count() == account_rows

    # Two hours on, fresh posts are due again (hourly for 48 hours).
    networks.advance(7200)
    result = collect_channel(channel, now=start + timedelta(hours=3))
    assert result.posts == 2
    assert PostSnapshot.objects.filter(channel=channel).count() == 4
    assert AccountSnapshot.objects.filter(channel=channel).count() == account_rows


def test_telegram_gives_subscribers_but_no_post_figures(networks, connect, schedule):
    channel = connect(Network.TELEGRAM)
    (variant,) = schedule([channel])
    run_once(variant)
    result = collect_channel(channel)
    assert result.skipped == "no_post_stats"
    assert not PostSnapshot.objects.filter(channel=channel).exists()
    today = AccountSnapshot.objects.get(channel=channel)
    assert today.followers is not None


def test_a_refused_token_marks_the_channel_and_skips_it(networks, connect):
    channel = connect(Network.VK)
    networks.expire_tokens("vk")
    result = collect_channel(channel)
    assert result.skipped == "needs_reconnect"
    channel.refresh_from_db()
    assert channel.connection_state == ConnectionState.NEEDS_RECONNECT
    out = StringIO()
    call_command("collect_stats", stdout=out, stderr=StringIO())
    assert "channels=0" in out.getvalue()


def test_the_command_fills_the_registry(networks, connect, schedule):
    channel = connect(Network.VK)
    (variant,) = schedule([channel])
    run_once(variant)
    out = StringIO()
    call_command("collect_stats", channel=channel.pk, stdout=out, stderr=StringIO())
    assert "channels=1" in out.getvalue()
    channel.refresh_from_db()
    assert channel.subscribers is not None and channel.visits is not None
    assert channel.posts_per_week is not None and channel.stats_updated_at is not None


def test_posts_are_named_by_their_text_and_vitrinas_appear_at_once(
    networks, connect, schedule, admin_client, organisation
):
    channel = connect(Network.VK)
    (variant,) = schedule([channel])
    run_once(variant)
    variant.refresh_from_db()
    # Published a moment ago, read never: listed already, with nothing read yet.
    latest = PostLatest.objects.get(channel=channel, external_id=variant.external_id)
    assert latest.variant == variant and latest.views is None
    day = timezone.localdate(variant.published_at).isoformat()
    page = reverse("analytics:posts", kwargs={"org": organisation.slug})
    text = admin_client.get(page, {"date_from": day, "date_to": day}).content.decode()
    assert str(variant.post) in text and "ещё нет данных" in text

    outside = networks.provider("vk").publish(
        networks.account(channel.sandbox_key),
        Payload(text="Книжная выставка «Зимние сказки»: приходите   всей семьёй\nв субботу"),
    )
    result = collect_channel(channel)
    assert not result.skipped, result.notes
    latest.refresh_from_db()
    assert latest.views is not None  # read at once, not an hour after publication
    theirs = PostLatest.objects.get(channel=channel, external_id=outside.external_id)
    assert theirs.variant is None
    assert theirs.text == "Книжная выставка «Зимние сказки»: приходите всей семьёй в субботу"
    text = admin_client.get(page, {"date_from": day, "date_to": day}).content.decode()
    assert "Книжная выставка «Зимние сказки»" in text and "ещё нет данных" not in text
    assert "Пост, сделанный в самой соцсети" not in text


def test_posts_collected_before_their_texts_were_kept_get_named(networks, connect):
    channel = connect(Network.VK)
    outside = networks.provider("vk").publish(
        networks.account(channel.sandbox_key), Payload(text="Литературная гостиная в пятницу")
    )
    assert not collect_channel(channel).skipped
    theirs = PostLatest.objects.filter(channel=channel, external_id=outside.external_id)
    assert theirs.get().text == "Литературная гостиная в пятницу"
    # As a row stored before texts were kept, and a post since deleted on the network (read
    # just now, so not due: the network would refuse figures for a post it no longer has).
    theirs.update(text=None)
    later = timezone.now() + timedelta(hours=2)
    gone = PostLatest.objects.create(
        channel=channel,
        external_id="999999",
        published_at=theirs.get().published_at,
        taken_at=later,
        views=5,
    )
    networks.advance(2 * 3600)
    assert not collect_channel(channel, now=later).skipped
    assert theirs.get().text == "Литературная гостиная в пятницу"
    gone.refresh_from_db()
    assert gone.text == ""
