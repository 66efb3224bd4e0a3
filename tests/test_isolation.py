"""Walks every address of the web interface and the API as a person of another
organisation: nothing of organisation B may be read, listed, changed or guessed by A."""

import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    MembershipFactory,
    PostFactory,
    RubricFactory,
    SeriesFactory,
    SlotFactory,
    VariantFactory,
)
from tests.factories.catalog import ImportRunFactory, MemorableDateFactory, RecordFactory
from tests.factories.core import AuditEntryFactory
from tests.factories.inbox import (
    CannedAnswerFactory,
    MessageFactory,
    ReferenceInquiryFactory,
    ThreadFactory,
)
from tests.factories.readers import (
    IlsConnectionFactory,
    LoanFactory,
    ReaderFactory,
    RenewalRequestFactory,
)
from tests.images import image_bytes
from vitrina.analytics.services.reports import report_save
from vitrina.catalog.bibrecord import BibRecord
from vitrina.content.services.media import media_upload
from vitrina.content.services.templates import template_save, text_block_save
from vitrina.core.roles import Role
from vitrina.core.services import api_token_create, invitation_create
from vitrina.exhibitions import services as exhibitions
from vitrina.strategy.models import ShortLink
from vitrina.strategy.services import strategy_steps_save

# Addresses that are public or personal by design, and why.
PUBLIC_PREFIXES = (
    "admin/",  # Django admin: staff only, staff are trusted operators of the installation
    "static/",
)
PUBLIC_NAMES = {
    "home",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "password_change",
    "password_change_done",
    "profile",
    "api-token-create",
    "set-language",
    "invitation-accept",  # reachable only with the secret token from the e-mail
    "guest-post",  # reachable only with the secret one-time token an editor hands out
    # OAuth answers: act only for the channel named by the state kept in the caller's own
    # session, after checking the caller's membership again (404 otherwise).
    "oauth-callback",
    "api-root",
    "openapi-json",
    "openapi-view",
    # A virtual exhibition the organisation has published for everyone; unpublished ones
    # and everything else of the organisation answer 404 (tests/exhibitions/test_views.py).
    "exhibition-public",
    "exhibition-public-cover",
    # Networks post readers' events here: the unguessable token finds one channel, the
    # network's own secret is verified before anything is stored, and the answer is only
    # "ok" (or VK's confirmation code), never another organisation's data.
    "inbox-hook",
    # A reader's pages opened from the library's dialog: reachable only with the secret
    # one-time token sent into that dialog (tests/readers/test_linking.py, test_consent.py).
    "reader-link",
    "reader-data",
    "reader-data-export",
    "reader-data-delete",
    # A short link: redirects to the address it keeps and shows nothing of its organisation
    # (an unknown or unconfirmed code answers the same plain 404).
    "shortlink",
}
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def walk(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name


@pytest.fixture
def world(db):
    """Organisation A with its admin, and organisation B full of things."""
    attacker = MembershipFactory(role=Role.ADMIN)
    victim = MembershipFactory(role=Role.ADMIN)
    b = victim.organisation
    library = LibraryFactory(organisation=b, name="Секретная библиотека Б")
    channel = ChannelFactory(library=library, name="Секретный канал Б")
    invitation, _link = invitation_create(
        organisation=b, actor=victim.user, email="b@example.org", role=Role.AUTHOR
    )
    token, _raw = api_token_create(user=victim.user, name="B token")
    AuditEntryFactory(organisation=b, action="channel.changed", object_repr="Секретный канал Б")
    _token, attacker_raw = api_token_create(user=attacker.user, name="A token")
    rubric = RubricFactory(organisation=b, name="Секретная рубрика Б")
    series = SeriesFactory(organisation=b, name="Секретный проект Б")
    post = PostFactory(organisation=b, library=library, text="Секретный пост Б", rubric=rubric)
    variant = VariantFactory(post=post, channel=channel)
    slot = SlotFactory(channel=channel)
    asset = media_upload(organisation=b, actor=victim.user, data=image_bytes(), name="b.png")
    template = template_save(
        organisation=b, actor=victim.user, name="Секретный шаблон Б", text="Текст шаблона"
    )
    block = text_block_save(
        organisation=b, actor=victim.user, name="Секретный блок Б", text="Текст блока"
    )
    record = RecordFactory(organisation=b, bib=BibRecord(title="Секретная книга Б"))
    run = ImportRunFactory(organisation=b, filename="секретный-файл-б.iso")
    memorable_date = MemorableDateFactory(organisation=b, title="Секретная дата Б")
    exhibition = exhibitions.exhibition_save(
        organisation=b, actor=victim.user, title="Секретная выставка Б"
    )
    section = exhibitions.section_save(
        exhibition=exhibition, actor=victim.user, title="Секретный раздел Б"
    )
    book = exhibitions.book_add(
        exhibition=exhibition, actor=victim.user, section=section, record=record
    )
    report = report_save(
        organisation=b,
        actor=victim.user,
        title="Секретный отчёт Б",
        date_from=date(2020, 1, 1),
        date_to=date(2020, 12, 31),
    )
    thread = ThreadFactory(
        channel=channel,
        external_thread="9",
        reader_id="9",
        reader_name="Секретный читатель Б",
        last_message_at=post.created_at,
    )
    canned = CannedAnswerFactory(organisation=b, title="Секретный ответ Б", text="Текст ответа Б")
    reader_message = MessageFactory(
        thread=thread, external_id="m9", text="Секретное сообщение Б", created_at=post.created_at
    )
    inquiry = ReferenceInquiryFactory(
        question=reader_message, library=library, topic="Секретная справка Б"
    )
    reader = ReaderFactory(
        library=library,
        connection__library=library,
        connection__name="Секретная выдача Б",
        card="B-SECRET-1",
    )
    LoanFactory(reader=reader, title="Секретный долг Б", due=date(2020, 1, 1))
    renewal = RenewalRequestFactory(reader=reader, title="Секретная заявка Б")
    connection = IlsConnectionFactory(library=library, name="Секретное подключение Б")
    short_link = ShortLink.objects.create(
        organisation=b, code="secretB1", target_url="https://b.example/", title="Секретная ссылка Б"
    )
    secret_goal = {
        "title": "Секретная цель Б",
        "metric": "posts_per_week",
        "target": 3,
        "deadline": date.today().replace(year=date.today().year + 1).isoformat(),
    }
    for strategy_library in (None, library):
        strategy_steps_save(
            membership=victim,
            library=strategy_library,
            steps={
                "goals": {"goals": [secret_goal]},
                "audience": {"geography": "Секретная аудитория Б"},
            },
        )
    return {
        "attacker": attacker,
        "attacker_token": attacker_raw,
        "b_slug": b.slug,
        "ids": {
            "channel_id": channel.pk,
            "network": channel.network,
            "library_id": library.pk,
            "member_id": victim.pk,
            "invitation_id": invitation.pk,
            "token_id": token.pk,
            "post_id": post.pk,
            "variant_id": variant.pk,
            "rubric_id": rubric.pk,
            "series_id": series.pk,
            "slot_id": slot.pk,
            "asset_id": asset.pk,
            "template_id": template.pk,
            "block_id": block.pk,
            "record_id": record.pk,
            "run_id": run.pk,
            "date_id": memorable_date.pk,
            "exhibition_id": exhibition.pk,
            "section_id": section.pk,
            "book_id": book.pk,
            "report_id": report.pk,
            "thread_id": thread.pk,
            "message_id": reader_message.pk,
            "canned_id": canned.pk,
            "inquiry_id": inquiry.pk,
            "renewal_id": renewal.pk,
            "connection_id": connection.pk,
            "link_id": short_link.pk,
        },
        "secrets": [
            "Секретная библиотека Б",
            "Секретный канал Б",
            "b@example.org",
            "Секретный пост Б",
            "Секретная рубрика Б",
            "Секретный проект Б",
            "Секретный шаблон Б",
            "Секретный блок Б",
            "Секретная книга Б",
            "секретный-файл-б.iso",
            "Секретная дата Б",
            "Секретная выставка Б",
            "Секретный раздел Б",
            "Секретный отчёт Б",
            "Секретный читатель Б",
            "Секретное сообщение Б",
            "Секретный ответ Б",
            "Секретная справка Б",
            "B-SECRET-1",
            "Секретный долг Б",
            "Секретная заявка Б",
            "Секретное подключение Б",
            "Секретная ссылка Б",
            "Секретная цель Б",
            "Секретная аудитория Б",
        ],
    }


def fill(route, values):
    unknown = []

    def substitute(match):
        name = match.group("name")
        if name not in values:
            unknown.append(name)
            return "x"
        return str(values[name])

    path = "/" + PLACEHOLDER.sub(substitute, route).replace("^", "").replace("$", "")
    return path, unknown


def scoped_routes():
    for route, name in walk():
        if route.startswith(PUBLIC_PREFIXES) or name in PUBLIC_NAMES:
            continue
        yield route, name


def test_every_route_is_known_to_the_walk():
    """A new route must be either scoped (walked below) or listed as public with a reason."""
    known = {
        "org",
        "org_slug",
        "channel_id",
        "network",
        "library_id",
        "member_id",
        "invitation_id",
        "token_id",
        "post_id",
        "variant_id",
        "rubric_id",
        "series_id",
        "slot_id",
        "asset_id",
        "template_id",
        "block_id",
        "record_id",
        "run_id",
        "date_id",
        "exhibition_id",
        "section_id",
        "book_id",
        "report_id",
        "thread_id",
        "message_id",
        "canned_id",
        "inquiry_id",
        "renewal_id",
        "connection_id",
        "link_id",
    }
    for route, name in scoped_routes():
        names = {m.group("name") for m in PLACEHOLDER.finditer(route)}
        assert names <= known, f"{route} ({name}) has kwargs the isolation walk does not know"


@pytest.mark.parametrize("as_member_of_a", [False, True], ids=["b-slug", "a-slug-b-ids"])
def test_web_pages_never_show_another_organisations_objects(client, world, as_member_of_a):
    client.force_login(world["attacker"].user)
    slug = world["attacker"].organisation.slug if as_member_of_a else world["b_slug"]
    walked = 0
    for route, name in scoped_routes():
        if route.startswith("api/"):
            continue
        if as_member_of_a and not any(key in route for key in world["ids"]):
            continue  # A's own pages with no object id are A's business
        path, unknown = fill(route, {"org": slug, **world["ids"]})
        assert not unknown, route
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in {403, 404, 405}, (
                f"{method.upper()} {path} ({name}) → {response.status_code}"
            )
            body = response.content.decode()
            assert not any(secret in body for secret in world["secrets"]), f"{path} leaks"
        walked += 1
    assert walked >= (5 if as_member_of_a else 15)


@pytest.mark.parametrize("as_member_of_a", [False, True], ids=["b-slug", "a-slug-b-ids"])
def test_api_never_shows_another_organisations_objects(client, world, as_member_of_a):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world['attacker_token']}"}
    slug = world["attacker"].organisation.slug if as_member_of_a else world["b_slug"]
    walked = 0
    for route, name in scoped_routes():
        if not route.startswith("api/"):
            continue
        if not PLACEHOLDER.search(route):
            # The caller's own lists (e.g. their organisations): must not mention B at all.
            body = client.get("/" + route, **headers).content.decode()
            assert not any(secret in body for secret in world["secrets"]), f"{route} leaks"
            assert world["b_slug"] not in body
            continue
        if as_member_of_a and not any(key in route for key in world["ids"]):
            continue
        path, unknown = fill(route, {"org_slug": slug, **world["ids"]})
        assert not unknown, route
        for method in ("get", "post", "patch", "put", "delete"):
            response = getattr(client, method)(
                path, {"name": "x"}, content_type="application/json", **headers
            )
            assert response.status_code in {400, 403, 404, 405}, (
                f"{method.upper()} {path} → {response.status_code}"
            )
            if response.status_code == 400:
                # Validation may run before the lookup; it must not have changed anything.
                assert "error" in response.json()
            body = response.content.decode()
            assert not any(secret in body for secret in world["secrets"]), f"{path} leaks"
        walked += 1
    assert walked >= (2 if as_member_of_a else 4)
    # Nothing of B changed.
    from vitrina.channels.models import Channel

    channel = Channel.objects.get(pk=world["ids"]["channel_id"])
    assert channel.name == "Секретный канал Б" and not channel.is_archived
    from vitrina.content.models import Post

    post = Post.objects.get(pk=world["ids"]["post_id"])
    assert post.text == "Секретный пост Б" and post.variants.get().state == "draft"


def test_personal_routes_only_touch_ones_own_tokens(client, world):
    client.force_login(world["attacker"].user)
    response = client.post(f"/accounts/tokens/{world['ids']['token_id']}/revoke/")
    assert response.status_code == 404
