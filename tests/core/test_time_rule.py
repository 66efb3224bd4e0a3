"""Every template that prints a moment, rendered for an organisation in Vladivostok whose
library and channel are in Yekaterinburg: the library's things say the library's hour with
its zone, the organisation's things the viewer's hour without one, and no page falls back
to the installation's Moscow time.

The templates are found by reading them, not listed by hand: a new template that prints a
time fails here until a page of it is walked below.
"""

import re
from datetime import UTC, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    SeriesFactory,
    SlotFactory,
    VariantFactory,
)
from tests.factories.catalog import ImportRunFactory
from tests.factories.core import AuditEntryFactory
from tests.factories.exhibitions import BookFactory, ExhibitionFactory
from tests.factories.inbox import (
    ChannelInboxFactory,
    MessageFactory,
    ReferenceInquiryFactory,
    ThreadFactory,
)
from tests.factories.publishing import PublishAttemptFactory
from tests.factories.readers import (
    ConsentFactory,
    LoanFactory,
    ReaderFactory,
    ReaderLinkFactory,
    RenewalRequestFactory,
)
from vitrina.analytics.models import ChannelCollection, PostLatest
from vitrina.analytics.rounds import ROUND
from vitrina.catalog.models import ImportRun
from vitrina.channels.models import ChannelSecret
from vitrina.content.models import GuestLink, Recurrence
from vitrina.content.states import VariantState
from vitrina.core.models import ApiToken, AuditEntry, JobRun
from vitrina.core.roles import Role
from vitrina.inbox.models import ReferenceInquiry
from vitrina.strategy.models import HealthRun

SOURCE = Path(__file__).resolve().parents[2] / "src" / "vitrina"
# Yesterday at 09:00 UTC: 14:00 in Yekaterinburg (UTC+5), 19:00 in Vladivostok (UTC+10),
# 12:00 in Moscow (UTC+3); none of these zones has summer time.
MOMENT = (timezone.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
DAY = MOMENT.astimezone(UTC).strftime("%d.%m.%Y")
LIBRARY_TIME = f"{DAY} 14:00 по Екатеринбургу"
VIEWER_TIME = f"{DAY} 19:00"
MOSCOW = f"{DAY} 12:00"

PRINTS_TIME = re.compile(r"\|(at_place|day_at_place|zone_label|zone_name)\b|{% time_at_place ")
DATE_WITH_HOUR = re.compile(r"""\|date:["'][^"']*[GHhisaAP][^"']*["']""")


def _templates():
    for path in SOURCE.glob("*/templates/**/*.*"):
        if path.suffix in (".html", ".txt"):
            yield str(path).split("/templates/", 1)[1], path.read_text()


def time_templates() -> set[str]:
    return {name for name, text in _templates() if PRINTS_TIME.search(text)}


def test_no_template_prints_an_hour_around_the_rule():
    wrong = [
        f"{name}: {match.group(0)}"
        for name, text in _templates()
        for match in DATE_WITH_HOUR.finditer(text)
    ]
    assert wrong == [], "an hour is printed with |date instead of |at_place"


@pytest.fixture
def place(db):
    """An organisation in Vladivostok, its library and channel in Yekaterinburg."""
    organisation = OrganisationFactory(slug="vl", timezone="Asia/Vladivostok")
    library = LibraryFactory(organisation=organisation, timezone="Asia/Yekaterinburg")
    channel = ChannelFactory(library=library, timezone="Asia/Yekaterinburg")
    membership = MembershipFactory(organisation=organisation, role=Role.ADMIN)
    return organisation, library, channel, membership


def test_every_template_that_prints_a_time_shows_the_place_hour(client, place, settings):
    organisation, library, channel, membership = place
    client.force_login(membership.user)
    org = organisation.slug
    rendered: set[str] = set()

    def page(name, expected, *, absent=(MOSCOW,), data=None, **kwargs):
        url = reverse(name, kwargs={"org": org, **kwargs} if name != "profile" else kwargs)
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode().replace("\xa0", " ")  # the label's no-break spaces
        for text in expected:
            assert text in html, f"{url}: «{text}» not on the page"
        for text in absent:
            assert text not in html, f"{url}: «{text}» on the page"
        rendered.update(t.name for t in response.templates if t.name)
        return html

    # Content: posts, variants, their attempts, guest links, slots, recurring posts.
    series = SeriesFactory(organisation=organisation)
    post = PostFactory(
        organisation=organisation, library=library, series=series, scheduled_at=MOMENT
    )
    post.poll_question, post.poll_answers, post.poll_ends_at = "Вопрос?", ["Да", "Нет"], MOMENT
    post.save()
    variant = VariantFactory(
        post=post,
        channel=channel,
        state=VariantState.PUBLISHED,
        published_at=MOMENT,
        external_url="https://vk.com/wall-1_1",
    )
    PublishAttemptFactory(variant=variant, started_at=MOMENT)
    page("content:posts", [LIBRARY_TIME])
    html = page("content:post", [LIBRARY_TIME], post_id=post.pk)
    assert html.count(LIBRARY_TIME) >= 4  # publish at, poll ends, variant published, attempt
    draft = PostFactory(organisation=organisation, library=library, scheduled_at=MOMENT)
    html = page("content:post-edit", ["Часовой пояс: Екатеринбург"], post_id=draft.pk)
    assert re.search(r'name="scheduled_at"[^>]*value="[^"]*14:00', html)
    GuestLink.objects.create(
        organisation=organisation, library=library, token_hash="x" * 64, expires_at=MOMENT
    )
    page("content:guest-links", [LIBRARY_TIME])
    SlotFactory(channel=channel)
    page("content:slots", ["10:00 по Екатеринбургу"])
    Recurrence.objects.create(
        organisation=organisation,
        library=library,
        title="Книжная среда",
        weekday=3,
        time="10:00",
        starts_on=MOMENT.date(),
        ends_on=MOMENT.date() + timedelta(days=60),
    )
    page("content:recurring", ["10:00 по Екатеринбургу"])

    # Exhibitions: the series' posts, and the plan typed on the library's clock.
    exhibition = ExhibitionFactory(organisation=organisation, library=library, series=series)
    BookFactory(exhibition=exhibition)
    MONTHS = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    month = MONTHS.split()[MOMENT.month - 1]
    spelled = f"{MOMENT.day} {month} {MOMENT.year}, 14:00 по Екатеринбургу"
    page("exhibitions:detail", [spelled], exhibition_id=exhibition.pk)
    typed = MOMENT.astimezone(UTC).strftime("%d.%m.%Y") + " 14:00"
    page(
        "exhibitions:posts",
        [spelled],
        exhibition_id=exhibition.pk,
        data={
            "channels": [channel.pk],
            "starts_at": typed,
            "interval_days": 7,
            "per_post": 2,
            "preview": "1",
        },
    )

    # Channels: the zone by its name, the secret's dates on the channel's clock.
    ChannelSecret.objects.create(
        channel=channel, kind="community_token", ciphertext="-", expires_at=MOMENT
    )
    page("channels:detail", ["Екатеринбург", LIBRARY_TIME], channel_id=channel.pk)
    assert (
        "Asia/Yekaterinburg"
        not in client.get(
            reverse("channels:detail", kwargs={"org": org, "channel_id": channel.pk})
        ).content.decode()
    )

    # Inbox: threads and messages of the channel, receiving, reference inquiries.
    thread = ThreadFactory(channel=channel, last_message_at=MOMENT, first_inbound_at=MOMENT)
    question = MessageFactory(thread=thread, created_at=MOMENT)
    other = ThreadFactory(
        channel=channel,
        reader_id=thread.reader_id,
        external_thread="other",
        last_message_at=MOMENT,
        first_inbound_at=MOMENT,
    )
    MessageFactory(thread=other, created_at=MOMENT)
    page("inbox:list", [LIBRARY_TIME])
    page("inbox:thread", [LIBRARY_TIME, f"{DAY}</a>"], thread_id=thread.pk)
    ChannelInboxFactory(channel=channel, last_event_at=MOMENT, polled_at=MOMENT)
    page("inbox:receiving-list", [LIBRARY_TIME])
    page("inbox:receiving", [LIBRARY_TIME], channel_id=channel.pk)
    inquiry = ReferenceInquiryFactory(question=question, answered_at=MOMENT)
    ReferenceInquiry.objects.filter(pk=inquiry.pk).update(created_at=MOMENT)
    page("inbox:inquiry", [LIBRARY_TIME], inquiry_id=inquiry.pk)
    page("inbox:inquiries", [f"{DAY}"])

    # Reader services: requests and reminders on their library's clock.
    reader = ReaderFactory(library=library, connection__library=library)
    LoanFactory(reader=reader, loan_id="late", due=MOMENT.date() - timedelta(days=3))
    RenewalRequestFactory(reader=reader, loan_id="late", requested_at=MOMENT)
    page("readers:renewals", [LIBRARY_TIME])
    page("readers:debtors", [LIBRARY_TIME])
    ReaderLinkFactory(reader=reader, channel=channel, linked_at=MOMENT)
    ConsentFactory(reader=reader, given_at=MOMENT)
    page("readers:list", [DAY])
    connection = reader.connection
    connection.checked_at = connection.loans_synced_at = MOMENT
    connection.save()
    page("readers:connections", [LIBRARY_TIME])
    page("readers:connection-upload", [LIBRARY_TIME], connection_id=connection.pk)

    # The organisation's own things: on the viewer's clock, no label.
    entry = AuditEntryFactory(organisation=organisation)
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=MOMENT)
    page("audit-log", [f"{VIEWER_TIME}:00"], absent=(MOSCOW, "по Владивостоку"))
    run = ImportRunFactory(organisation=organisation)
    ImportRun.objects.filter(pk=run.pk).update(started_at=MOMENT)
    page("catalog:import", [VIEWER_TIME], absent=(MOSCOW, "по Владивостоку"))
    page("catalog:import-detail", [VIEWER_TIME], run_id=run.pk)
    page("member-list", [])
    page("settings-home", ["Владивосток"], absent=(">Asia/Vladivostok",))
    HealthRun.objects.create(organisation=organisation, week=MOMENT.date(), checked_at=MOMENT)
    page("strategy:health", [VIEWER_TIME], absent=(MOSCOW, "по Владивостоку"))
    page("library-list", ["Екатеринбург"], absent=(">Asia/Yekaterinburg",))

    # Analytics: posts on their channel's clock, the round on the viewer's.
    PostLatest.objects.create(
        channel=channel,
        external_id="1",
        variant=variant,
        published_at=MOMENT,
        taken_at=MOMENT,
        views=10,
    )
    page("analytics:post-figures", [LIBRARY_TIME], channel_id=channel.pk)
    page("analytics:posts", [LIBRARY_TIME])
    JobRun.objects.update_or_create(name=ROUND, defaults={"started_at": MOMENT})
    ChannelCollection.objects.create(channel=channel, collected_at=MOMENT, skipped="failed")
    settings.COLLECT_INTERVAL_MINUTES = 60
    page("analytics:dashboard", [VIEWER_TIME, f"({LIBRARY_TIME})"])

    # A page outside the organisation keeps the clock of the one last visited.
    token = ApiToken.objects.create(
        user=membership.user, name="Отчёты", prefix="abc", key_hash="y" * 64
    )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=MOMENT)
    page("profile", [VIEWER_TIME])

    missing = time_templates() - rendered - {"core/email/invitation.txt"}
    assert missing == set(), "templates that print a time and were not walked"


def test_the_invitation_mail_gives_the_organisation_day(
    client, place, django_capture_on_commit_callbacks
):
    organisation, _library, _channel, membership = place
    client.force_login(membership.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation-create", kwargs={"org": organisation.slug}),
            {"email": "new@example.org", "role": Role.AUTHOR},
        )
    assert response.status_code in (200, 302)
    invitation = organisation.invitations.get()
    day = invitation.expires_at.astimezone(ZoneInfo("Asia/Vladivostok")).strftime("%d.%m.%Y")
    assert len(mail.outbox) == 1 and day in mail.outbox[0].body


def test_the_calendar_puts_a_post_at_its_library_hour_and_says_so(client, place):
    organisation, library, _channel, membership = place
    client.force_login(membership.user)
    there = PostFactory(organisation=organisation, library=library, scheduled_at=MOMENT)
    here = PostFactory(organisation=organisation, scheduled_at=MOMENT)
    day = MOMENT.astimezone(UTC).date()
    events = client.get(
        reverse("content:calendar-events", kwargs={"org": organisation.slug}),
        {"start": f"{day}T00:00:00Z", "end": f"{day + timedelta(days=1)}T00:00:00Z"},
    ).json()
    by_id = {event["id"]: event for event in events}
    assert by_id[there.pk]["start"] == f"{day}T14:00"
    assert by_id[there.pk]["title"] == f"{there} (по Екатеринбургу)"
    assert by_id[here.pk]["start"] == f"{day}T19:00"
    assert by_id[here.pk]["title"] == str(here)
