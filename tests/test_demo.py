from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState
from vitrina.core.models import Library, Membership, Organisation
from vitrina.demo.build import DemoRefused, build_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True


def test_demo_reproduces_the_seed_registries(demo_mode):
    build_demo()
    knmb = Organisation.objects.get(slug="knmb")
    page = Channel.objects.get(organisation=knmb, url="https://vk.com/id547852393")
    group = Channel.objects.get(organisation=knmb, url="https://vk.com/medlib42")
    assert (page.subscribers, page.visits, page.posts_per_week) == (2025, 2239, Decimal("7"))
    assert (group.subscribers, group.visits, group.posts_per_week) == (490, 1386, Decimal("4.5"))
    assert page.created_on.isoformat() == group.created_on.isoformat() == "2019-06-06"
    instagram = Channel.objects.get(organisation=knmb, name__icontains="instagram")
    assert instagram.connection_state == ConnectionState.RECORD_ONLY

    mednogorsk = Organisation.objects.get(slug="mednogorsk")
    central = Library.objects.get(organisation=mednogorsk, name="Центральная городская библиотека")
    assert {branch.name for branch in central.branches.all()} == {
        "Центральная городская детская библиотека",
        "Библиотека-филиал № 4",
    }
    ok_pages = Channel.objects.filter(organisation=mednogorsk, network="ok")
    assert ok_pages.count() == 3
    vinyl = Channel.objects.get(organisation=mednogorsk, url="https://vk.com/vinilius")
    assert vinyl.library == central


def test_demo_user_belongs_to_both_organisations(demo_mode):
    build_demo()
    assert Membership.objects.filter(user__username="demo", role="admin").count() == 2
    limited = Membership.objects.get(user__username="branch4")
    assert [library.name for library in limited.libraries.all()] == ["Библиотека-филиал № 4"]


def test_demo_loads_once_and_resets_on_request(demo_mode):
    assert build_demo() is not None
    assert build_demo() is None
    assert build_demo(reset=True) is not None
    assert Organisation.objects.filter(slug="knmb").count() == 1


def test_demo_is_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(DemoRefused):
        build_demo()


def test_demo_command_prints_login_and_a_working_api_token(demo_mode, client):
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    text = out.getvalue()
    assert "Login: demo / demo" in text
    token = next(line for line in text.splitlines() if line.startswith("API token: ")).split(": ")[
        1
    ]
    response = client.get(
        "/api/v1/organisations/knmb/channels", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200 and response.json()["count"] == 5


def test_demo_has_rubrics_series_slots_and_planned_posts(demo_mode):
    from vitrina.content.models import Post, PostingSlot, Rubric, Series

    build_demo()
    knmb = Organisation.objects.get(slug="knmb")
    assert Rubric.objects.filter(organisation=knmb, name="Виртуальные выставки").exists()
    parade = Series.objects.get(organisation=knmb, name="Парад военных книг")
    assert parade.starts_on.isoformat() == "2020-06-18"
    planned = Post.objects.filter(organisation=knmb, scheduled_at__year__gt=2020)
    states = set(planned.values_list("variants__state", flat=True))
    assert states == {"scheduled", "pending_approval"}
    assert PostingSlot.objects.filter(channel__organisation__slug="mednogorsk").count() == 6


def test_the_site_address_follows_addr_unless_set(demo_mode, settings, monkeypatch):
    from vitrina.exhibitions.models import Exhibition
    from vitrina.exhibitions.services import public_url

    monkeypatch.delenv("VITRINA_SITE_URL", raising=False)
    out = StringIO()
    call_command("demo", no_serve=True, addr="8123", stdout=out)
    assert settings.SITE_URL == "http://127.0.0.1:8123"
    assert "Vitrina: http://127.0.0.1:8123/" in out.getvalue()
    exhibition = Exhibition.objects.filter(published_at__isnull=False).first() or (
        Exhibition.objects.first()
    )
    assert public_url(exhibition).startswith("http://127.0.0.1:8123/")
    # An address set for the site wins.
    monkeypatch.setenv("VITRINA_SITE_URL", "https://vitrina.example.org")
    settings.SITE_URL = "https://vitrina.example.org"
    call_command("demo", no_serve=True, addr="0.0.0.0:9000", stdout=StringIO())
    assert settings.SITE_URL == "https://vitrina.example.org"


def test_a_wrong_addr_is_refused_plainly(demo_mode):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="give a port"):
        call_command("demo", no_serve=True, addr="localhost:http", stdout=StringIO())


def test_every_organisation_has_every_network_and_the_sandbox_agrees(demo_mode):
    from urllib.parse import urlsplit

    from vitrina.channels.providers.registry import connectable_networks
    from vitrina.sandbox.accounts import DEFAULT_ACCOUNTS

    build_demo()
    accounts = {(a["network"], a["screen_name"]): a for a in DEFAULT_ACCOUNTS}
    for organisation in Organisation.objects.filter(slug__in=["knmb", "mednogorsk"]):
        channels = Channel.objects.filter(organisation=organisation)
        # The seed's networks, and Telegram and MAX besides.
        assert {"telegram", "max"} <= set(channels.values_list("network", flat=True))
        for channel in channels.filter(network__in=connectable_networks()):
            account = accounts.get((channel.network, urlsplit(channel.url).path.strip("/")))
            assert account is not None, channel.name
            # One name and one audience for the channel in Vitrina and on the sandbox.
            assert account["name"] == channel.name
            if channel.subscribers is not None:
                assert account["members"] == channel.subscribers


def test_every_organisation_has_templates_and_canned_answers(demo_mode):
    from vitrina.content.models import Template
    from vitrina.inbox.models import CannedAnswer

    build_demo()
    for slug in ("knmb", "mednogorsk"):
        assert Template.objects.filter(organisation__slug=slug).exists(), slug
        assert CannedAnswer.objects.filter(organisation__slug=slug).count() >= 2, slug


def test_every_organisation_has_a_small_catalogue(demo_mode):
    from vitrina.catalog.models import Record

    build_demo()
    for slug in ("knmb", "mednogorsk"):
        assert Record.objects.filter(organisation__slug=slug).count() >= 6, slug
