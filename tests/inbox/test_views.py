from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ChannelFactory, LibraryFactory
from vitrina.channels.providers.types import InboundEvent
from vitrina.core.roles import Role
from vitrina.inbox.models import Thread, ThreadStatus
from vitrina.inbox.receiving import event_store


def write(channel, number, *, reader="555", kind="message", text="Здравствуйте!"):
    return event_store(
        channel=channel,
        event=InboundEvent(
            kind=kind,
            external_id=f"m{channel.pk}_{number}",
            thread=reader if kind == "message" else "77",
            text=text,
            author_id=reader,
            author_name=f"Читатель {reader}",
            created_at=timezone.now() - timedelta(minutes=100 - number),
        ),
    )


def login(client, membership):
    client.force_login(membership.user)
    return client


@pytest.mark.django_db
def test_list_shows_threads_newest_first_with_few_queries(
    client, admin_membership, library, django_assert_max_num_queries
):
    for number in range(12):
        channel = ChannelFactory(library=library, network="vk" if number % 2 else "telegram")
        write(channel, number, reader=str(1000 + number))
    login(client, admin_membership)
    url = reverse("inbox:list", kwargs={"org": admin_membership.organisation.slug})
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Читатель 1011") < html.index("Читатель 1000")
    filtered = client.get(url, {"network": "vk"}).content.decode()
    assert "Читатель 1011" in filtered and "Читатель 1010" not in filtered


@pytest.mark.django_db
def test_nav_shows_unread_count(client, admin_membership, channel):
    write(channel, 1, reader="1")
    write(channel, 2, reader="2")
    login(client, admin_membership)
    org = channel.organisation.slug
    html = client.get(reverse("inbox:list", kwargs={"org": org})).content.decode()
    assert reverse("inbox:unread", kwargs={"org": org}) in html
    assert client.get(reverse("inbox:unread", kwargs={"org": org})).json() == {"count": 2}


@pytest.mark.django_db
def test_thread_page_marks_read_and_shows_other_conversations(client, admin_membership, library):
    first, second = ChannelFactory(library=library), ChannelFactory(library=library)
    message = write(first, 1, reader="42", text="Есть ли у вас «Анатомия» Сапина?")
    write(second, 2, reader="42", text="Спасибо за ответ")
    write(first, 3, reader="43", text="Чужой разговор")
    login(client, admin_membership)
    url = reverse(
        "inbox:thread",
        kwargs={"org": library.organisation.slug, "thread_id": message.thread_id},
    )
    html = client.get(url).content.decode()
    assert "Есть ли у вас «Анатомия» Сапина?" in html
    assert "Чужой разговор" not in html
    assert second.name in html
    assert Thread.objects.get(pk=message.thread_id).unread == 0


@pytest.mark.django_db
def test_roles_without_inbox_get_403(client, member_factory, channel):
    message = write(channel, 1)
    for role in (Role.AUTHOR, Role.ANALYST):
        login(client, member_factory(role=role))
        org = channel.organisation.slug
        assert client.get(reverse("inbox:list", kwargs={"org": org})).status_code == 403
        url = reverse("inbox:thread", kwargs={"org": org, "thread_id": message.thread_id})
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_limited_librarian_sees_only_her_libraries(client, member_factory, organisation):
    mine, theirs = (
        LibraryFactory(organisation=organisation),
        LibraryFactory(organisation=organisation),
    )
    visible = write(ChannelFactory(library=mine), 1, reader="1")
    hidden = write(ChannelFactory(library=theirs), 2, reader="2")
    login(client, member_factory(role=Role.REFERENCE, libraries=[mine]))
    org = organisation.slug
    html = client.get(reverse("inbox:list", kwargs={"org": org})).content.decode()
    assert "Читатель 1" in html and "Читатель 2" not in html
    ok = reverse("inbox:thread", kwargs={"org": org, "thread_id": visible.thread_id})
    assert client.get(ok).status_code == 200
    url = reverse("inbox:thread", kwargs={"org": org, "thread_id": hidden.thread_id})
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_change_status_and_assignee(client, admin_membership, member_factory, channel):
    message = write(channel, 1)
    colleague = member_factory(role=Role.REFERENCE)
    author = member_factory(role=Role.AUTHOR)
    login(client, admin_membership)
    url = reverse(
        "inbox:change",
        kwargs={"org": channel.organisation.slug, "thread_id": message.thread_id},
    )
    response = client.post(url, {"status": ThreadStatus.IN_PROGRESS, "assignee": colleague.pk})
    assert response.status_code == 302
    thread = Thread.objects.get(pk=message.thread_id)
    assert thread.assignee == colleague and thread.status == ThreadStatus.IN_PROGRESS
    refused = client.post(url, {"status": ThreadStatus.CLOSED, "assignee": author.pk})
    assert refused.status_code == 400


@pytest.mark.django_db
def test_empty_reply_form_answers_in_russian(client, admin_membership, channel):
    message = write(channel, 1)
    login(client, admin_membership)
    url = reverse(
        "inbox:reply", kwargs={"org": channel.organisation.slug, "thread_id": message.thread_id}
    )
    response = client.post(url, {"text": ""})
    assert response.status_code == 400


@pytest.mark.django_db
def test_list_filters_keep_the_query_count_and_pages_are_never_counted(
    client, admin_membership, library, organisation, monkeypatch, django_assert_max_num_queries
):
    from vitrina.inbox import views

    branch = LibraryFactory(organisation=organisation, name="Детская библиотека")
    channels = [
        ChannelFactory(library=library, network="vk"),
        ChannelFactory(library=branch, network="telegram"),
        ChannelFactory(library=branch, network="max"),
    ]
    for number in range(12):
        write(channels[number % 3], number, reader=str(2000 + number))
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    login(client, admin_membership)
    url = reverse("inbox:list", kwargs={"org": organisation.slug})
    cases = [
        ({}, 12),
        ({"network": "telegram"}, 4),
        ({"library": branch.pk}, 8),
        ({"library": branch.pk, "network": "max"}, 4),
        ({"channel": channels[0].pk}, 4),
        ({"status": "new"}, 12),
        ({"unread": "on"}, 12),
    ]
    for params, found in cases:
        with django_assert_max_num_queries(16) as queries:
            html = client.get(url, params).content.decode()
        assert not any("COUNT(" in q["sql"] for q in queries.captured_queries), params
        shown = sum(f"Читатель {2000 + n}<" in html for n in range(12))
        assert shown == min(found, 5), params
        assert ("page=2" in html) == (found > 5), params
    third = client.get(url, {"page": 3}).content.decode()
    assert [n for n in range(12) if f"Читатель {2000 + n}<" in third] == [0, 1]
    assert "page=2" in third and "page=4" not in third
    # A page past the end, or not a number, shows the first one.
    for page in ("9", "x"):
        first = client.get(url, {"page": page}).content.decode()
        assert "Читатель 2011<" in first


@pytest.mark.django_db
def test_the_assignee_list_offers_only_colleagues_who_can_be_assigned(
    client, admin_membership, member_factory, channel, organisation
):
    from tests.factories import LibraryFactory

    message = write(channel, 1)
    branch = LibraryFactory(organisation=organisation)
    here = member_factory(role=Role.REFERENCE, libraries=[channel.library])
    everywhere = member_factory(role=Role.REFERENCE)
    elsewhere = member_factory(role=Role.REFERENCE, libraries=[branch])
    author = member_factory(role=Role.AUTHOR)
    login(client, admin_membership)
    page = client.get(
        reverse("inbox:thread", kwargs={"org": organisation.slug, "thread_id": message.thread_id})
    )
    offered = set(page.context["thread_form"].fields["assignee"].queryset)
    assert {here, everywhere} <= offered
    assert elsewhere not in offered and author not in offered
    # Every colleague offered is accepted.
    url = reverse("inbox:change", kwargs={"org": organisation.slug, "thread_id": message.thread_id})
    for member in offered:
        response = client.post(url, {"status": ThreadStatus.IN_PROGRESS, "assignee": member.pk})
        assert response.status_code == 302, member
