"""Connecting channels through the web interface, against the sandbox's networks."""

import json
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import ChannelFactory, MembershipFactory
from vitrina.channels import services
from vitrina.channels.connect import (
    channel_check_connection,
    channel_refresh_token,
    channels_refresh_expiring,
    provider_account,
)
from vitrina.channels.models import ChannelSecret
from vitrina.channels.networks import ConnectionState, Kind, Network, SecretKind
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import Payload
from vitrina.core import periodic
from vitrina.core.models import AuditEntry, Notification
from vitrina.core.periodic import JobContext
from vitrina.core.roles import Role


@pytest.fixture
def networks(settings, sandbox):
    """Point every network at the sandbox, as the demo does."""
    settings.VK_API_URL = sandbox.api_url("vk")
    settings.VK_OAUTH_URL = sandbox.url + "/vkid"
    settings.OK_API_URL = sandbox.api_url("ok")
    settings.OK_OAUTH_URL = sandbox.url + "/ok/connect"
    settings.TELEGRAM_API_URL = sandbox.api_url("telegram")
    settings.MAX_API_URL = sandbox.api_url("max")
    apps = sandbox.http.get("/sandbox/control/apps").json()
    settings.VK_ID_CLIENT_ID = apps["vk_id"]["client_id"]
    settings.OK_CLIENT_ID = apps["ok"]["client_id"]
    settings.OK_APPLICATION_KEY = apps["ok"]["application_key"]
    settings.OK_CLIENT_SECRET = apps["ok"]["secret"]
    return sandbox


@pytest.fixture
def vk_channel(library):
    return ChannelFactory(
        library=library,
        network=Network.VK,
        kind=Kind.GROUP,
        url="https://vk.com/medlib42",
        name="Медицинская библиотека",
    )


def authorise(client, start_url):
    """Press «Connect», let the sandbox approve, come back to the callback."""
    response = client.post(start_url)
    assert response.status_code == 302
    consent = httpx.get(response["Location"] + "&sandbox_auto=1")
    assert consent.status_code == 302
    callback = urlsplit(consent.headers["location"])
    return client.get(callback.path, parse_qs(callback.query))


def path(name, channel, **kwargs):
    from django.urls import reverse

    kwargs = {"org": channel.organisation.slug, "channel_id": channel.pk}
    if name.startswith("connect-"):
        name, kwargs["network"] = name.split("-")
    return reverse(f"channels:{name}", kwargs=kwargs)


def test_vk_id_connection_end_to_end(admin_client, networks, vk_channel):
    response = admin_client.post(path("connect-vk", vk_channel))
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(networks.url + "/vkid/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["state"][0]
    consent = httpx.get(location + "&sandbox_auto=1")
    callback = urlsplit(consent.headers["location"])
    assert callback.path == "/oauth/vk/callback/"
    done = admin_client.get(callback.path, parse_qs(callback.query))
    assert done.status_code == 302 and done["Location"].endswith(f"/channels/{vk_channel.pk}/")
    vk_channel.refresh_from_db()
    assert vk_channel.connection_state == ConnectionState.CONNECTED
    assert vk_channel.external_id == "128554301" and vk_channel.subscribers >= 490
    token = ChannelSecret.objects.get(channel=vk_channel, kind=SecretKind.USER_TOKEN)
    assert token.expires_at > timezone.now() + timedelta(minutes=50)
    assert json.loads(
        services.channel_secret_value(channel=vk_channel, kind=SecretKind.REFRESH_TOKEN)
    )["device_id"]
    page = admin_client.get(done["Location"]).content.decode()
    assert "Нет ключа сообщества" in page  # the community token is still to be pasted
    # The token works: the provider publishes with what the registry holds.
    published = get_provider("vk").publish(provider_account(vk_channel), Payload(text="Привет"))
    assert published.url.startswith("https://vk.com/wall-128554301_")


def test_the_state_must_be_ours(admin_client, networks, vk_channel):
    response = admin_client.post(path("connect-vk", vk_channel))
    consent = httpx.get(response["Location"] + "&sandbox_auto=1")
    callback = urlsplit(consent.headers["location"])
    params = parse_qs(callback.query)
    params["state"] = ["forged"]
    assert admin_client.get(callback.path, params).status_code == 404
    # A state is used once.
    params = parse_qs(callback.query)
    assert admin_client.get(callback.path, params).status_code == 302
    assert admin_client.get(callback.path, params).status_code == 404


def test_denied_authorisation_changes_nothing(admin_client, networks, vk_channel):
    response = admin_client.post(path("connect-vk", vk_channel))
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    done = admin_client.get("/oauth/vk/callback/", {"error": "access_denied", "state": state})
    assert done.status_code == 302
    assert not ChannelSecret.objects.filter(channel=vk_channel).exists()


def test_ok_connection(admin_client, networks, library):
    channel = ChannelFactory(
        library=library,
        network=Network.OK,
        kind=Kind.GROUP,
        url="https://ok.ru/group/70000001234567",
    )
    done = authorise(admin_client, path("connect-ok", channel))
    assert done.status_code == 302
    channel.refresh_from_db()
    assert channel.connection_state == ConnectionState.CONNECTED
    assert channel.subscribers > 500


@pytest.mark.parametrize("network", ["telegram", "max"])
def test_pasted_bot_token_then_check(admin_client, networks, library, network):
    emulated = networks.accounts()[
        {"telegram": "telegram:medlib42_news", "max": "max:medlib42"}[network]
    ]
    channel = ChannelFactory(
        library=library,
        network=network,
        kind=Kind.CHANNEL,
        url=f"https://{'t.me' if network == 'telegram' else 'max.ru'}/medlib42_news",
        external_id=str(emulated["external_id"]),
    )
    admin_client.post(
        path("secret", channel),
        {
            "kind": SecretKind.BOT_TOKEN,
            f"{SecretKind.BOT_TOKEN}-value": emulated["tokens"]["bot"],
            "action": "save",
        },
    )
    page = admin_client.post(path("check", channel))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Проверить подключение" in text
    channel.refresh_from_db()
    assert channel.connection_state == ConnectionState.CONNECTED
    assert channel.subscribers == emulated["members"] or channel.subscribers > 100


def test_vk_community_token_only(admin_client, networks, vk_channel):
    community = networks.accounts()["vk:medlib42"]["tokens"]["community"]
    services.channel_secret_set(
        channel=vk_channel, kind=SecretKind.COMMUNITY_TOKEN, value=community, actor=None
    )
    page = admin_client.post(path("check", vk_channel)).content.decode()
    assert "Нет ключа администратора (VK ID)" in page
    vk_channel.refresh_from_db()
    assert vk_channel.connection_state == ConnectionState.NOT_CONNECTED


def test_refused_token_marks_the_channel_and_tells_the_admins(
    networks, vk_channel, admin, settings
):
    settings.EMAIL_HOST = "mail.example.org"  # e-mail goes out only with a mail server
    user = networks.accounts()["vk:medlib42"]["tokens"]["user"]
    services.channel_secret_set(
        channel=vk_channel, kind=SecretKind.USER_TOKEN, value=user, actor=None
    )
    assert channel_check_connection(channel=vk_channel, actor=None).can_post
    networks.expire_tokens("vk")
    mail.outbox.clear()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        report = channel_check_connection(channel=vk_channel, actor=None)
    assert report.auth_failed
    vk_channel.refresh_from_db()
    assert vk_channel.connection_state == ConnectionState.NEEDS_RECONNECT
    assert AuditEntry.objects.filter(
        action="channel.connection_changed", object_id=str(vk_channel.pk)
    ).exists()
    notice = Notification.objects.get(user=admin)
    assert vk_channel.name in notice.text and notice.url.endswith(f"/{vk_channel.pk}/")
    assert mail.outbox and admin.email in mail.outbox[0].to


def test_tokens_are_refreshed_before_they_expire(admin_client, networks, vk_channel):
    authorise(admin_client, path("connect-vk", vk_channel))
    before = services.channel_secret_value(channel=vk_channel, kind=SecretKind.USER_TOKEN)
    assert channel_refresh_token(channel=vk_channel) is False  # an hour left: not yet
    ChannelSecret.objects.filter(channel=vk_channel, kind=SecretKind.USER_TOKEN).update(
        expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert channels_refresh_expiring() == 1
    after = services.channel_secret_value(channel=vk_channel, kind=SecretKind.USER_TOKEN)
    assert after != before
    account = provider_account(vk_channel)
    assert get_provider("vk").check_connection(account).can_post


def test_the_periodic_job_and_the_command_refresh_expiring_tokens(
    admin_client, networks, vk_channel, settings
):
    authorise(admin_client, path("connect-vk", vk_channel))
    job = periodic.job_get("channels.refresh_tokens")
    settings.TOKEN_REFRESH_MINUTES = 5
    assert job.interval() == 300 and job.once_per_deployment
    out = StringIO()
    call_command("refresh_channel_tokens", stdout=out)
    assert "Refreshed 0 token(s)." in out.getvalue()  # an hour left: not yet
    ChannelSecret.objects.filter(channel=vk_channel, kind=SecretKind.USER_TOKEN).update(
        expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert job.work(JobContext.once()) == 1
    settings.TOKEN_REFRESH_MINUTES = 0
    assert job.interval() == 0


def test_another_organisations_channel_is_404(client, networks, vk_channel):
    stranger = MembershipFactory(role=Role.ADMIN)
    client.force_login(stranger.user)
    slug = stranger.organisation.slug
    for name in ("check", "connect-vk", "connect-ok"):
        url = f"/o/{slug}/channels/{vk_channel.pk}/{name.replace('-', '/')}/"
        assert client.post(url).status_code == 404, url


def test_authors_may_not_connect(client, networks, vk_channel, member_factory):
    author = member_factory(role=Role.AUTHOR)
    client.force_login(author.user)
    assert client.post(path("connect-vk", vk_channel)).status_code == 403
    assert client.post(path("check", vk_channel)).status_code == 403


def test_refresh_command(admin_client, networks, vk_channel):
    from io import StringIO

    from django.core.management import call_command

    authorise(admin_client, path("connect-vk", vk_channel))
    ChannelSecret.objects.filter(channel=vk_channel, kind=SecretKind.USER_TOKEN).update(
        expires_at=timezone.now() + timedelta(minutes=1)
    )
    out = StringIO()
    call_command("refresh_channel_tokens", stdout=out)
    assert "Refreshed 1" in out.getvalue()


def test_api_checks_the_connection(client, networks, vk_channel, admin):
    from vitrina.core.services import api_token_create

    _token, raw = api_token_create(user=admin, name="check")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/organisations/{vk_channel.organisation.slug}/channels/{vk_channel.pk}/check"
    empty = client.post(url, **headers).json()
    assert empty["can_post"] is False and set(empty["missing_tokens"]) == {"user", "community"}
    tokens = networks.accounts()["vk:medlib42"]["tokens"]
    for kind, value in (
        (SecretKind.USER_TOKEN, tokens["user"]),
        (SecretKind.COMMUNITY_TOKEN, tokens["community"]),
    ):
        services.channel_secret_set(channel=vk_channel, kind=kind, value=value, actor=None)
    full = client.post(url, **headers).json()
    assert full["can_post"] and full["can_read_stats"] and full["can_message"]
    assert full["connection_state"] == "connected" and full["problems"] == []
