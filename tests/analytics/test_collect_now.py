"""«Собрать сейчас»: a channel's or the organisation's figures read at once, through the
collection the rounds use, limited per channel, audited and for those who publish."""

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from vitrina.analytics.models import AccountSnapshot, ChannelCollection
from vitrina.channels.networks import Network
from vitrina.core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db


SUITE_BROKER = django_settings.CELERY_BROKER_URL


@pytest.fixture(autouse=True)
def without_workers(settings):
    """These pages are seen as in the embedded mode, whatever broker the suite runs with:
    the channels are read during the request. A test of the workers' queue sets one."""
    settings.CELERY_BROKER_URL = ""


def _channel_url(organisation, channel):
    return reverse(
        "analytics:collect-channel", kwargs={"org": organisation.slug, "channel_id": channel.pk}
    )


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_channel_is_collected_now_once_in_a_few_minutes(
    networks, connect, admin_client, organisation
):
    channel = connect(Network.VK)
    figures = reverse(
        "analytics:figures", kwargs={"org": organisation.slug, "channel_id": channel.pk}
    )
    page = admin_client.get(figures).content.decode()
    assert _channel_url(organisation, channel) in page and "Собрать сейчас" in page

    response = admin_client.post(_channel_url(organisation, channel), {"next": figures})
    assert response.status_code == 302 and response["Location"] == figures
    (said,) = _said(response)
    assert f"«{channel.name}»" in said and "собраны" in said
    collected = ChannelCollection.objects.get(channel=channel)
    assert AccountSnapshot.objects.filter(channel=channel, followers__isnull=False).exists()
    (entry,) = AuditEntry.objects.filter(action="analytics.collect_now")
    assert entry.organisation == organisation and entry.changes["channels"][1] == [channel.pk]

    # Again at once: refused in plain words, nothing read, nothing audited.
    response = admin_client.post(_channel_url(organisation, channel), {"next": figures})
    said = _said(response)[-1]
    assert "собрать снова можно с" in said
    assert ChannelCollection.objects.get(channel=channel).collected_at == collected.collected_at
    assert AuditEntry.objects.filter(action="analytics.collect_now").count() == 1


def test_collecting_now_asks_for_a_post_with_its_token_and_the_right(
    networks, connect, organisation, member_factory
):
    channel = connect(Network.VK)
    url = _channel_url(organisation, channel)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member_factory(role=Role.ADMIN).user)
    assert strict.post(url).status_code == 403  # no CSRF token
    assert strict.get(url).status_code == 405
    analyst = Client()
    analyst.force_login(member_factory(role=Role.ANALYST).user)
    assert analyst.post(url).status_code == 403
    figures = reverse(
        "analytics:figures", kwargs={"org": organisation.slug, "channel_id": channel.pk}
    )
    assert "Собрать сейчас" not in analyst.get(figures).content.decode()
    assert not ChannelCollection.objects.filter(channel=channel).exists()
    assert not AuditEntry.objects.filter(action="analytics.collect_now").exists()


def test_a_foreign_or_unconnected_channel_is_not_collected(
    networks, connect, admin_client, organisation
):
    from tests.factories import ChannelFactory, OrganisationFactory

    foreign = ChannelFactory(library__organisation=OrganisationFactory(slug="other"))
    assert admin_client.post(_channel_url(organisation, foreign)).status_code == 404
    channel = connect(Network.VK)
    channel.connection_state = "needs_reconnect"
    channel.save(update_fields=["connection_state"])
    response = admin_client.post(_channel_url(organisation, channel))
    assert response.status_code == 302
    assert "не подключён" in _said(response)[0]
    assert not ChannelCollection.objects.filter(channel=channel).exists()


def test_the_organisation_is_collected_now_through_the_workers_queue(
    networks, connect, admin_client, organisation, settings
):
    first, second = connect(Network.VK), connect(Network.TELEGRAM)
    url = reverse("analytics:collect", kwargs={"org": organisation.slug})
    dashboard = reverse("analytics:dashboard", kwargs={"org": organisation.slug})
    assert url in admin_client.get(dashboard).content.decode()
    # With a broker the channels are handed to the workers' queue (the suite's Celery runs
    # its tasks in place, so the task's collection is seen at once). The suite's own broker
    # where it has one: Celery keeps the address it first reads, and the workers' test after
    # this one must find the real one.
    settings.CELERY_BROKER_URL = SUITE_BROKER or "memory://"
    response = admin_client.post(url)
    assert response.status_code == 302 and response["Location"] == dashboard
    (said,) = _said(response)
    assert "2 каналов" in said and "через минуту-две" in said
    assert set(ChannelCollection.objects.values_list("channel", flat=True)) == {
        first.pk,
        second.pk,
    }
    response = admin_client.post(url)
    assert sum("собрать снова" in said for said in _said(response)) == 2


def test_without_workers_a_few_channels_are_read_at_once_the_rest_by_the_round(
    networks, connect, admin_client, organisation, monkeypatch
):
    from vitrina.analytics.services import collect_now

    monkeypatch.setattr(collect_now, "INLINE_CHANNELS", 1)
    first, second = connect(Network.VK), connect(Network.VK)
    url = reverse("analytics:collect", kwargs={"org": organisation.slug})
    said = _said(admin_client.post(url))
    assert any("собраны" in text for text in said)
    assert any("ещё 1 канал" in text.lower() for text in said), said
    assert ChannelCollection.objects.count() == 1
    # Pressed again: the one read is too soon, the other (least recently read) goes now.
    said = _said(admin_client.post(url))
    assert ChannelCollection.objects.count() == 2
    assert {first.pk, second.pk} == set(ChannelCollection.objects.values_list("channel", flat=True))
