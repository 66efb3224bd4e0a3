"""Short links: the redirect, which clicks count, how they are stored, who manages them."""

import shutil
import socket
import subprocess
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    VariantFactory,
)
from vitrina.core.exports import registry
from vitrina.core.exports.sections import Meta
from vitrina.core.roles import Role
from vitrina.publishing.payloads import build_payload
from vitrina.strategy import clicks, links
from vitrina.strategy.metrics import METRICS
from vitrina.strategy.models import ClickFlush, Resource, ShortLink, ShortLinkClicks

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile"


def stored(link=None) -> int:
    rows = ShortLinkClicks.objects.all()
    if link is not None:
        rows = rows.filter(link=link)
    return sum(rows.values_list("count", flat=True))


@pytest.fixture
def embedded(settings):
    settings.REDIS_URL = ""
    return settings


@pytest.fixture
def site(library):
    library.website_url = "https://cgb-mednogorsk.ru"
    library.catalogue_url = "https://cgb-mednogorsk.ru/opac"
    library.elibrary_url = "https://elib.mednogorsk.ru"
    library.save()
    return library


@pytest.fixture
def link(site, admin_membership, admin):
    return links.shortlink_create(
        membership=admin_membership,
        actor=admin,
        target_url="https://cgb-mednogorsk.ru/opac/find?q=Пушкин",
        title="Пушкин в каталоге",
    )


def follow(client, code, agent=BROWSER, address="203.0.113.7"):
    return client.get(f"/s/{code}", HTTP_USER_AGENT=agent, REMOTE_ADDR=address)


def test_redirect_to_the_library_resource_counts_once(client, link, embedded):
    assert link.resource == Resource.CATALOGUE and link.active
    response = follow(client, link.code)
    assert response.status_code == 302
    assert response["Location"] == iri_to_uri(link.target_url)
    assert response["Cache-Control"] == "no-store"
    assert stored(link) == 1
    # The same browser again within the window: redirected, not counted.
    assert follow(client, link.code).status_code == 302
    assert stored(link) == 1
    # Another reader (another browser, another address) counts.
    follow(client, link.code, agent=PHONE, address="198.51.100.2")
    assert stored(link) == 2
    # Nothing about the readers is kept in the database: counts per hour only.
    row = ShortLinkClicks.objects.get(link=link)
    assert row.hour.minute == 0 and row.count == 2


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "TelegramBot (like TwitterBot)",
        "vkShare; +http://vk.com/dev/Share",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "",
    ],
)
def test_crawlers_and_previews_are_redirected_but_not_counted(client, link, embedded, agent):
    assert follow(client, link.code, agent=agent).status_code == 302
    assert stored(link) == 0


def test_a_repeat_is_found_across_the_change_of_key_and_forgotten_after(settings):
    settings.SHORTLINK_REPEAT_SECONDS = 600
    end_of_window = 1_800_000_000.0 // 600 * 600 + 599
    assert not clicks.is_repeat("abc", "203.0.113.7", BROWSER, now=end_of_window)
    assert clicks.is_repeat("abc", "203.0.113.7", BROWSER, now=end_of_window + 1)
    assert not clicks.is_repeat("abd", "203.0.113.7", BROWSER, now=end_of_window + 1)
    # The key changes with the window, so an old digest says nothing about a new one.
    first = clicks._digest("abc", "203.0.113.7", BROWSER, end_of_window)
    assert first == clicks._digest("abc", "203.0.113.7", BROWSER, end_of_window - 5)
    assert first != clicks._digest("abc", "203.0.113.7", BROWSER, end_of_window + 1)
    assert "203.0.113.7" not in first
    # Two windows on, the digest is not looked for any more: the click counts again.
    cache.clear()  # the cache would have let the digest expire by then
    assert not clicks.is_repeat("abc", "203.0.113.7", BROWSER, now=end_of_window + 1201)


@pytest.mark.parametrize("code", ["nope123", "a" * 17, "bad code", "%00"])
def test_an_unknown_code_answers_a_plain_404_page(client, db, code, embedded):
    response = client.get(f"/s/{code}", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 404
    assert "No such link" in response.content.decode() or "Нет такой ссылки" in (
        response.content.decode()
    )
    assert not ShortLinkClicks.objects.exists()


def test_an_outside_address_does_not_redirect_until_an_editor_confirms_it(
    client, site, admin_membership, admin, member_factory, embedded
):
    outside = links.shortlink_create(
        membership=admin_membership, actor=admin, target_url="https://evil.example/login"
    )
    assert outside.resource == Resource.OTHER and not outside.active
    assert follow(client, outside.code).status_code == 404
    assert stored() == 0

    author = member_factory(role=Role.AUTHOR)
    url = reverse("shortlinks:confirm", kwargs={"org": "cbs", "link_id": outside.pk})
    client.force_login(author.user)
    assert client.post(url).status_code == 403
    client.logout()
    assert follow(client, outside.code).status_code == 404

    client.force_login(admin)
    assert client.post(url).status_code == 302
    client.logout()
    outside.refresh_from_db()
    assert outside.confirmed_by == admin
    response = follow(client, outside.code)
    assert response.status_code == 302 and response["Location"] == "https://evil.example/login"
    assert stored(outside) == 1


def test_a_bad_address_is_refused_with_a_message(admin_client, site):
    url = reverse("shortlinks:list", kwargs={"org": "cbs"})
    response = admin_client.post(url, {"target_url": "javascript:alert(1)", "title": ""})
    assert response.status_code == 200
    assert not ShortLink.objects.exists()
    assert "field-error" in response.content.decode()


# --- Redis: buffered clicks and the periodic flush ------------------------------------


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def buffered(settings, redis_url):
    settings.REDIS_URL = redis_url
    client = clicks.redis_client()
    client.flushdb()
    yield client
    client.flushdb()


def test_buffered_clicks_reach_the_database_once_and_survive_a_restart(client, link, buffered):
    for number in range(5):
        follow(client, link.code, agent=f"{BROWSER} r{number}")
    follow(client, link.code, agent=f"{BROWSER} r0")  # a repeat
    assert stored(link) == 0
    assert clicks.pending_clicks() == 5

    # The web app restarts: its memory and cache go, Redis keeps the pending clicks.
    cache.clear()
    clicks._clients.clear()
    assert clicks.pending_clicks() == 5

    assert clicks.clicks_flush() == 5
    assert stored(link) == 5
    assert clicks.pending_clicks() == 0
    assert clicks.clicks_flush() == 0  # nothing twice
    assert stored(link) == 5
    assert ClickFlush.objects.count() == 1


def test_in_redis_a_repeat_across_the_change_of_key_counts_once(link, buffered, settings):
    settings.SHORTLINK_REPEAT_SECONDS = 600
    end_of_window = time.time() // 600 * 600 + 599
    reader = {"link_id": link.pk, "code": link.code, "address": "192.0.2.1", "user_agent": PHONE}
    assert clicks.click_count(**reader, now=end_of_window)
    assert not clicks.click_count(**reader, now=end_of_window + 2)
    assert not clicks.click_count(**reader, now=end_of_window + 1)
    assert clicks.click_count(**{**reader, "address": "192.0.2.2"}, now=end_of_window + 2)
    # The digest is kept for two windows only, and says nothing of the address.
    seen = next(buffered.scan_iter(match=clicks.SEEN + "*"))
    assert 0 < buffered.ttl(seen) <= 1200 and b"192.0.2" not in seen
    clicks.clicks_flush()
    assert stored(link) == 2


def test_a_flush_stopped_half_way_is_finished_once(link, buffered):
    hour = int(time.time() // 3600 * 3600)
    # Stopped after moving the batch aside, before the database: applied by the next run.
    buffered.hset(clicks.BATCH + "a1", f"{link.pk}:{hour}", 3)
    # Stopped after the database, before deleting the batch: not applied again.
    buffered.hset(clicks.BATCH + "b2", f"{link.pk}:{hour}", 7)
    ClickFlush.objects.create(batch="b2", clicks=7)
    ShortLinkClicks.objects.create(link=link, hour=datetime.fromtimestamp(hour, tz=UTC), count=7)
    buffered.hset(clicks.PENDING, f"{link.pk}:{hour}", 2)

    clicks.clicks_flush()
    assert stored(link) == 7 + 3 + 2
    assert list(buffered.scan_iter(match="vitrina:shortlinks:*")) == []


def test_clicks_of_a_deleted_link_are_dropped_not_failed(link, buffered):
    hour = int(time.time() // 3600 * 3600)
    buffered.hset(clicks.PENDING, f"{link.pk}:{hour}", 4)
    link.delete()
    clicks.clicks_flush()
    assert not ShortLinkClicks.objects.exists()
    assert clicks.pending_clicks() == 0


def test_the_flush_is_a_registered_periodic_job():
    from vitrina.core import periodic

    job = periodic.job_get("strategy.shortlinks")
    assert job.once_per_deployment
    assert job.run == "vitrina.strategy.clicks.clicks_flush"


# --- the composer -----------------------------------------------------------------------


@pytest.fixture
def post(site, organisation):
    return PostFactory(
        organisation=organisation,
        library=site,
        add_utm=True,
        text=(
            "Ищите Пушкина в каталоге: https://cgb-mednogorsk.ru/opac/find?q=pushkin&"
            "utm_source=vk&utm_medium=social. Афиша на сайте https://www.cgb-mednogorsk.ru/afisha, "
            "книги в https://elib.mednogorsk.ru/book/1 и чужое https://example.org/page"
        ),
    )


def test_the_composer_puts_short_links_in_the_payload_once_per_variant(post, site, embedded):
    vk = VariantFactory(post=post, channel=ChannelFactory(library=site))
    ok = VariantFactory(post=post, channel=ChannelFactory(library=site, network="ok"))

    first = build_payload(vk).text
    assert "cgb-mednogorsk.ru" not in first and "elib.mednogorsk.ru" not in first
    assert "https://example.org/page" in first  # not the library's
    made = list(ShortLink.objects.filter(variant=vk).order_by("pk"))
    assert [item.resource for item in made] == [
        Resource.CATALOGUE,
        Resource.SITE,
        Resource.ELIBRARY,
    ]
    assert made[0].target_url.endswith("utm_source=vk&utm_medium=social")  # marks kept
    assert all(item.channel_id == vk.channel_id and item.post_id == post.pk for item in made)
    for item in made:
        assert links.short_url(item.code) in first
    assert first.count("/s/") == 3 and ". Афиша" in first  # trailing punctuation kept

    # Built again (a retry, a reconciliation): the same text, no new links.
    assert build_payload(vk).text == first
    assert ShortLink.objects.filter(variant=vk).count() == 3

    # Another channel's variant has links of its own, counted apart.
    other = build_payload(ok).text
    assert other != first and ShortLink.objects.filter(variant=ok).count() == 3


def test_a_post_without_marked_links_keeps_its_addresses(post, site, embedded):
    post.add_utm = False
    post.save()
    variant = VariantFactory(post=post, channel=ChannelFactory(library=site))
    assert build_payload(variant).text == variant.effective_text
    assert not ShortLink.objects.exists()


def test_the_post_link_becomes_a_short_link_too(post, site, embedded):
    post.link_url = "https://elib.mednogorsk.ru/book/7"
    post.save()
    variant = VariantFactory(post=post, channel=ChannelFactory(library=site))
    payload = build_payload(variant)
    assert payload.link.startswith(links.short_url(""))
    found = ShortLink.objects.get(variant=variant, target_url=post.link_url)
    assert payload.link == links.short_url(found.code)


# --- pages, isolation, report, goal figure ---------------------------------------------


def test_the_links_page_lists_only_the_organisations_own(
    client, link, admin, embedded, django_assert_max_num_queries
):
    other_org = OrganisationFactory(slug="knmb", name="КНМБ")
    other_lib = LibraryFactory(organisation=other_org, website_url="https://knmb.ru")
    stranger = MembershipFactory(organisation=other_org, role=Role.ADMIN)
    theirs = links.shortlink_create(
        membership=stranger, actor=stranger.user, target_url="https://knmb.ru/about"
    )
    assert theirs.library == other_lib
    for number in range(3):
        follow(client, link.code, agent=f"{BROWSER} {number}")

    client.force_login(admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("shortlinks:list", kwargs={"org": "cbs"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert link.code in page and theirs.code not in page
    # Another organisation's page and its link's confirmation are not found for this admin.
    assert client.get(reverse("shortlinks:list", kwargs={"org": "knmb"})).status_code == 404
    confirm = reverse("shortlinks:confirm", kwargs={"org": "cbs", "link_id": theirs.pk})
    assert client.post(confirm).status_code == 404

    client.force_login(stranger.user)
    page = client.get(reverse("shortlinks:list", kwargs={"org": "knmb"})).content.decode()
    assert theirs.code in page and link.code not in page


def test_a_reader_who_is_not_signed_in_is_sent_to_sign_in_for_the_page(client, link):
    response = client.get(reverse("shortlinks:list", kwargs={"org": "cbs"}))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_report_and_dashboard_sections_count_the_period(
    client, link, organisation, channel, admin_client, embedded
):
    link.channel = channel
    link.save()
    follow(client, link.code)
    old = timezone.now() - timedelta(days=400)
    ShortLinkClicks.objects.create(link=link, hour=old.replace(minute=0, second=0), count=9)
    today = timezone.localdate()
    meta = Meta(organisation=organisation, date_from=today - timedelta(days=6), date_to=today)

    for document in ("analytics.report", "analytics.dashboard"):
        keys = [item.key for item in registry.contributions(document)]
        assert "strategy.shortlink_clicks" in keys
    (contribution,) = [
        item
        for item in registry.contributions("analytics.report")
        if item.key == "strategy.shortlink_clicks"
    ]
    (section,) = contribution.build(meta)
    assert section.rows[0][1] == channel.name and section.rows[0][2] == 1
    assert section.rows[-1][2] == 1  # the total, without last year's clicks

    year = Meta(organisation=organisation, date_from=date(2000, 1, 1), date_to=today)
    (whole,) = contribution.build(year)
    assert whole.rows[-1][2] == 10

    # The goal «visits from the networks to the site and the e-catalogue» is these clicks.
    assert METRICS["catalogue_visits"].measured
    assert links.clicks_total(organisation_id=organisation.pk) == 10
    other = OrganisationFactory(slug="other")
    assert links.clicks_total(organisation_id=other.pk) == 0

    page = admin_client.get(reverse("analytics:dashboard", kwargs={"org": "cbs"}))
    assert page.status_code == 200
    assert channel.name in page.content.decode()


# --- the redirect in front of Django (what gunicorn serves) -------------------------------


def wsgi_get(path, agent=BROWSER, method="GET"):
    from wsgiref.util import setup_testing_defaults

    from vitrina.wsgi import application

    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "HTTP_USER_AGENT": agent,
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_HOST": "testserver",
    }
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.mark.django_db(transaction=True)
def test_the_wsgi_application_redirects_and_counts_before_django(
    site, admin_membership, admin, settings
):
    settings.REDIS_URL = ""
    link = links.shortlink_create(
        membership=admin_membership, actor=admin, target_url="https://elib.mednogorsk.ru/книга"
    )
    status, headers, body = wsgi_get(f"/s/{link.code}")
    assert status == "302 Found" and body == b""
    assert headers["Location"] == iri_to_uri(link.target_url)
    assert stored(link) == 1
    wsgi_get(f"/s/{link.code}")  # a repeat
    wsgi_get(f"/s/{link.code}", agent="Googlebot/2.1")
    wsgi_get(f"/s/{link.code}", agent=PHONE, method="HEAD")
    assert stored(link) == 1
    # An unknown code goes on to Django, which answers its plain 404 page.
    status, _headers, body = wsgi_get("/s/unknown1")
    assert status.startswith("404") and b"<h1>" in body


def test_the_demo_has_short_links_whose_clicks_show_in_the_dashboard(db, settings, client):
    from vitrina.demo.build import build_demo

    settings.DEMO_MODE = True
    context = build_demo()
    knmb = context["organisations"]["knmb"]
    made = ShortLink.objects.filter(organisation=knmb)
    assert made.exists() and all(item.variant_id and item.active for item in made)
    assert links.clicks_total(organisation_id=knmb.pk) > 0
    client.force_login(context["users"]["demo"])
    page = client.get(reverse("analytics:dashboard", kwargs={"org": "knmb"})).content.decode()
    assert "short links" in page or "коротким ссылкам" in page or "короткие ссылки" in page
