import pytest
from django.urls import reverse

from tests.inbox.test_views import login, write
from vitrina.core.exceptions import ServiceError
from vitrina.core.roles import Role
from vitrina.inbox.canned import canned_render
from vitrina.inbox.models import CannedAnswer, Direction
from vitrina.inbox.services.canned import canned_save

pytestmark = pytest.mark.django_db


def test_placeholders_are_filled(admin_membership, channel):
    message = write(channel, 1)
    answer = canned_save(
        membership=admin_membership,
        title="Продление",
        text="{reader}, книги продлены. {library}, {channel}. С уважением, {librarian}.",
    )
    text = canned_render(answer.text, thread=message.thread, membership=admin_membership)
    assert text.startswith("Читатель 555, книги продлены. ")
    assert channel.library.name in text and channel.name in text
    assert "{" not in text


def test_unknown_placeholder_and_duplicate_title_are_refused(admin_membership):
    with pytest.raises(ServiceError):
        canned_save(membership=admin_membership, title="A", text="Здравствуйте, {name}!")
    canned_save(membership=admin_membership, title="A", text="Здравствуйте!")
    with pytest.raises(ServiceError):
        canned_save(membership=admin_membership, title="A", text="Ещё раз")


def test_authors_may_not_keep_canned_answers(member_factory):
    with pytest.raises(ServiceError):
        canned_save(membership=member_factory(role=Role.AUTHOR), title="A", text="B")


def test_pages_create_edit_delete(client, admin_membership):
    login(client, admin_membership)
    org = admin_membership.organisation.slug
    response = client.post(
        reverse("inbox:canned-create", kwargs={"org": org}),
        {"title": "Часы работы", "text": "Мы открыты с 9 до 19."},
    )
    assert response.status_code == 302
    answer = CannedAnswer.objects.get()
    url = reverse("inbox:canned-edit", kwargs={"org": org, "canned_id": answer.pk})
    assert client.post(url, {"title": "", "text": "x"}).status_code == 400
    assert client.post(url, {"title": "Часы", "text": "С 9 до 20."}).status_code == 302
    assert "С 9 до 20." in client.get(reverse("inbox:canned", kwargs={"org": org})).content.decode()
    delete = reverse("inbox:canned-delete", kwargs={"org": org, "canned_id": answer.pk})
    assert client.post(delete).status_code == 302
    assert not CannedAnswer.objects.exists()


def test_thread_page_offers_filled_canned_answers(client, admin_membership, channel):
    message = write(channel, 1)
    canned_save(membership=admin_membership, title="Привет", text="Здравствуйте, {reader}!")
    login(client, admin_membership)
    url = reverse(
        "inbox:thread", kwargs={"org": channel.organisation.slug, "thread_id": message.thread_id}
    )
    response = client.get(url)
    html = response.content.decode()
    assert 'id="canned-texts"' in html
    assert list(response.context["canned_texts"].values()) == ["Здравствуйте, Читатель 555!"]


def test_canned_answer_is_sent_as_it_is(networks, connect, admin_membership, client):
    from tests.inbox.test_replies import reader_thread
    from vitrina.channels.networks import Network

    channel = connect(Network.MAX)
    thread = reader_thread(networks, channel)
    answer = canned_save(
        membership=admin_membership, title="Привет", text="Здравствуйте, {reader}!"
    )
    login(client, admin_membership)
    url = reverse("inbox:reply", kwargs={"org": channel.organisation.slug, "thread_id": thread.pk})
    assert client.post(url, {"canned": answer.pk, "text": ""}).status_code == 302
    sent = thread.messages.get(direction=Direction.OUT)
    assert sent.text == f"Здравствуйте, {thread.reader_name}!"
