from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.inbox.test_views import login, write
from vitrina.core.models import Membership
from vitrina.inbox.models import Direction, Tag, Thread
from vitrina.inbox.response import answer_deadline, first_answer_figures, overdue_cutoff
from vitrina.inbox.services import replies

pytestmark = pytest.mark.django_db


def test_note_is_kept_for_colleagues(client, admin_membership, channel):
    message = write(channel, 1)
    login(client, admin_membership)
    org = channel.organisation.slug
    url = reverse("inbox:note", kwargs={"org": org, "thread_id": message.thread_id})
    assert client.post(url, {"text": "Читатель — наш постоянный, звонил вчера."}).status_code == 302
    note = message_of(message.thread_id, Direction.NOTE)
    assert note.author_member == admin_membership
    assert note.delivery == ""
    assert client.post(url, {"text": ""}).status_code == 400


def message_of(thread_id, direction):
    return Thread.objects.get(pk=thread_id).messages.get(direction=direction)


def test_tags_are_set_and_filter_the_list(client, admin_membership, channel):
    tagged = write(channel, 1, reader="1")
    write(channel, 2, reader="2")
    login(client, admin_membership)
    org = channel.organisation.slug
    url = reverse("inbox:change", kwargs={"org": org, "thread_id": tagged.thread_id})
    response = client.post(url, {"status": "new", "tags": [Tag.RENEWAL, Tag.QUESTION]})
    assert response.status_code == 302
    assert set(tagged.thread.tags.values_list("tag", flat=True)) == {"renewal", "question"}
    html = client.get(reverse("inbox:list", kwargs={"org": org}), {"tag": "renewal"})
    assert "Читатель 1" in html.content.decode() and "Читатель 2" not in html.content.decode()


def test_working_days_skip_the_weekend():
    friday = datetime(2026, 11, 20, 17, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert answer_deadline(friday, 1).weekday() == 0  # Monday
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert overdue_cutoff(1, monday).weekday() == 4  # waiting since before Friday 10:00
    assert overdue_cutoff(3, monday).weekday() == 2  # three working days: since Wednesday


def test_overdue_threads_are_highlighted(client, admin_membership, channel):
    message = write(channel, 1)
    Thread.objects.filter(pk=message.thread_id).update(
        awaiting_since=timezone.now() - timedelta(days=5)
    )
    write(channel, 2, reader="fresh")
    login(client, admin_membership)
    org = channel.organisation.slug
    html = client.get(reverse("inbox:list", kwargs={"org": org}), {"overdue": "on"})
    text = html.content.decode()
    assert "thread-overdue" in text and "Читатель fresh" not in text


def test_first_answer_figures_per_librarian(admin_membership, member_factory, channel):
    from vitrina.core.roles import Role

    other = member_factory(role=Role.REFERENCE)
    now = timezone.now()
    for number, (member, minutes) in enumerate(
        [(admin_membership, 30), (admin_membership, 90), (other, 10)]
    ):
        message = write(channel, number, reader=str(number))
        Thread.objects.filter(pk=message.thread_id).update(
            first_inbound_at=now - timedelta(minutes=minutes),
            first_answer_at=now,
            first_answer_by=member,
        )
    overall, per_member = first_answer_figures(Thread.objects.all())
    assert overall.threads == 3
    by_name = {row.name: row for row in per_member}
    admin_name = admin_membership.user.get_full_name() or admin_membership.user.username
    assert by_name[admin_name].threads == 2
    assert by_name[admin_name].mean == timedelta(minutes=60)


def test_response_times_page(client, admin_membership, channel):
    write(channel, 1)
    login(client, admin_membership)
    url = reverse("inbox:response-times", kwargs={"org": channel.organisation.slug})
    assert client.get(url).status_code == 200


def test_reply_records_who_answered_first(networks, connect, admin):
    from tests.inbox.test_replies import reader_thread
    from vitrina.channels.networks import Network

    channel = connect(Network.TELEGRAM)
    thread = reader_thread(networks, channel)
    assert thread.awaiting_since is not None
    membership = Membership.objects.get(user=admin)
    replies.reply_send(thread=thread, membership=membership, text="Продлили.")
    thread.refresh_from_db()
    assert thread.first_answer_by == membership
    assert thread.awaiting_since is None


def test_each_organisation_sets_its_own_answer_target(client, admin_membership, channel):
    message = write(channel, 1, reader="Борисова")
    # Waiting for two working days.
    Thread.objects.filter(pk=message.thread_id).update(
        awaiting_since=overdue_cutoff(2) + timedelta(hours=1)
    )
    login(client, admin_membership)
    org = channel.organisation
    listing = reverse("inbox:list", kwargs={"org": org.slug})
    assert "Читатель Борисова" in client.get(listing, {"overdue": "on"}).content.decode()
    org.answer_working_days = 3
    org.save(update_fields=["answer_working_days"])
    assert "Читатель Борисова" not in client.get(listing, {"overdue": "on"}).content.decode()


def test_response_times_cover_the_chosen_period(client, admin_membership, member_factory, channel):
    from datetime import date

    from vitrina.core.roles import Role

    colleague = member_factory(role=Role.REFERENCE)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()
    for number, (day, member, minutes) in enumerate(
        [(this_month, admin_membership, 30), (last_month, colleague, 600)]
    ):
        thread = write(channel, number, reader=str(700 + number)).thread
        asked = datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=10)
        Thread.objects.filter(pk=thread.pk).update(
            first_inbound_at=asked,
            first_answer_at=asked + timedelta(minutes=minutes),
            first_answer_by=member,
        )
    login(client, admin_membership)
    url = reverse("inbox:response-times", kwargs={"org": channel.organisation.slug})
    # By default: this month only, for the whole table and for each librarian.
    page = client.get(url)
    assert page.context["overall"].threads == 1
    assert [row.threads for row in page.context["per_member"]] == [1]
    assert page.context["overall"].median == timedelta(minutes=30)
    html = page.content.decode()
    assert f"date_from={last_month:%Y-%m-%d}" in html  # the previous month's link
    previous = client.get(
        url,
        {
            "date_from": f"{last_month:%Y-%m-%d}",
            "date_to": f"{this_month - timedelta(days=1):%Y-%m-%d}",
        },
    )
    assert previous.context["overall"].median == timedelta(minutes=600)
    assert [row.threads for row in previous.context["per_member"]] == [1]
    both = client.get(url, {"date_from": f"{last_month:%d.%m.%Y}", "date_to": f"{today:%d.%m.%Y}"})
    assert both.context["overall"].threads == 2
    assert date(2000, 1, 1) < last_month
    # Bad dates are explained in Russian and the page still answers.
    bad = client.get(url, {"date_from": "31.02.2025", "date_to": "2025-01-01"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Введите дату в виде ДД.ММ.ГГГГ." in text
    reversed_period = client.get(url, {"date_from": "2025-03-01", "date_to": "2025-01-01"})
    assert reversed_period.status_code == 400
    assert "Конец периода раньше его начала." in reversed_period.content.decode()
