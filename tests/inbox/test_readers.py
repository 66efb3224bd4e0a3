"""Who wrote: readers' names from VK, comment threads with several readers, and why a
reply failed, in plain words."""

import json

import pytest
from django.urls import reverse

from tests.inbox.conftest import WEBHOOK_SECRET
from tests.inbox.test_api import bearer
from tests.inbox.test_views import login
from vitrina.channels import services as channel_services
from vitrina.channels.networks import Network, SecretKind
from vitrina.core.models import Membership
from vitrina.core.roles import Role
from vitrina.inbox.models import Delivery, Direction, Thread
from vitrina.inbox.polling import channel_poll
from vitrina.inbox.receiving import channel_inbox
from vitrina.inbox.services import replies

pytestmark = pytest.mark.django_db


def test_polled_vk_readers_get_their_names(networks, connect, client, admin_membership):
    channel = connect(Network.VK)
    channel_poll(channel=channel)
    networks.reader_writes(
        channel.sandbox_key,
        "Добрый день!",
        reader_id=178401149,
        first_name="Ирина",
        last_name="Лебедева",
    )
    channel_poll(channel=channel)
    thread = Thread.objects.get(channel=channel)
    assert thread.reader_name == "Ирина Лебедева"
    assert thread.messages.get().author_name == "Ирина Лебедева"
    login(client, admin_membership)
    org = channel.organisation.slug
    listing = client.get(reverse("inbox:list", kwargs={"org": org})).content.decode()
    assert "Ирина Лебедева" in listing and ">178401149<" not in listing
    page = client.get(reverse("inbox:thread", kwargs={"org": org, "thread_id": thread.pk}))
    assert "Ирина Лебедева" in page.content.decode()


def test_names_are_cached_and_unknown_names_fall_back_to_the_id(networks, connect):
    channel = connect(Network.VK)
    channel_poll(channel=channel)
    networks.reader_writes(
        channel.sandbox_key, "Здравствуйте", reader_id=5551, first_name="Олег", last_name="Попов"
    )
    channel_poll(channel=channel)
    # The network stops answering users.get: a known reader is named from the cache, a new
    # one is shown by id.
    networks.fault(network="vk", method="users.get", error=10, error_rate=1)
    networks.reader_writes(
        channel.sandbox_key, "Ещё вопрос", reader_id=5551, first_name="Олег", last_name="Попов"
    )
    networks.reader_writes(
        channel.sandbox_key, "А мне?", reader_id=5552, first_name="Вера", last_name="Орлова"
    )
    channel_poll(channel=channel)
    assert list(
        channel.inbox_threads.order_by("reader_id").values_list("reader_name", flat=True)
    ) == ["Олег Попов", ""]
    assert Thread.objects.get(reader_id="5552").reader_label == "id5552"
    # When the network answers again, the next batch names the earlier unnamed reader too.
    networks.clear_faults()
    from django.core.cache import cache

    cache.clear()
    networks.reader_writes(
        channel.sandbox_key, "Снова я", reader_id=5552, first_name="Вера", last_name="Орлова"
    )
    channel_poll(channel=channel)
    thread = Thread.objects.get(reader_id="5552")
    assert thread.reader_name == "Вера Орлова"
    assert set(thread.messages.values_list("author_name", flat=True)) == {"Вера Орлова"}


def test_webhook_readers_are_named_after_the_answer(
    networks, connect, client, django_capture_on_commit_callbacks
):
    channel = connect(Network.VK)
    channel_services.channel_secret_set(
        channel=channel, kind=SecretKind.WEBHOOK_SECRET, value=WEBHOOK_SECRET, actor=None
    )
    inbox = channel_inbox(channel)
    written = networks.reader_writes(
        channel.sandbox_key,
        "Когда откроется зал?",
        reader_id=777001,
        first_name="Пётр",
        last_name="Зуев",
    )
    body = {
        "type": "message_new",
        "group_id": int(channel.external_id),
        "secret": WEBHOOK_SECRET,
        "object": {
            "message": {
                "id": written["message_id"],
                "peer_id": 777001,
                "from_id": 777001,
                "date": 1763800000,
                "text": "Когда?",
            }
        },
    }
    url = reverse("inbox-hook", kwargs={"network": "vk", "token": inbox.hook_token})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.content == b"ok"
    assert len(callbacks) == 1
    thread = Thread.objects.get(channel=channel)
    assert thread.reader_name == "Пётр Зуев"
    assert thread.messages.get().author_name == "Пётр Зуев"


def test_a_burst_of_webhooks_asks_for_names_once_per_window(
    networks, connect, client, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from vitrina.inbox.tasks import inbox_names_task

    channel = connect(Network.VK)
    channel_services.channel_secret_set(
        channel=channel, kind=SecretKind.WEBHOOK_SECRET, value=WEBHOOK_SECRET, actor=None
    )
    url = reverse(
        "inbox-hook", kwargs={"network": "vk", "token": channel_inbox(channel).hook_token}
    )
    for reader_id, first_name in ((777101, "Анна"), (777102, "Борис")):
        written = networks.reader_writes(
            channel.sandbox_key,
            "Вопрос",
            reader_id=reader_id,
            first_name=first_name,
            last_name="Котова" if first_name == "Анна" else "Котов",
        )
        body = {
            "type": "message_new",
            "group_id": int(channel.external_id),
            "secret": WEBHOOK_SECRET,
            "event_id": f"burst-{reader_id}",
            "object": {
                "message": {
                    "id": written["message_id"],
                    "peer_id": reader_id,
                    "from_id": reader_id,
                    "date": 1763800000,
                    "text": "Вопрос",
                }
            },
        }
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, json.dumps(body), content_type="application/json")
    names = dict(Thread.objects.filter(channel=channel).values_list("reader_id", "reader_name"))
    # The first event asked; the second came inside the window and waits for the next look.
    assert names == {"777101": "Анна Котова", "777102": ""}
    cache.delete(f"inbox:names-pending:{channel.pk}")
    inbox_names_task(channel.pk)
    assert Thread.objects.get(channel=channel, reader_id="777102").reader_name == "Борис Котов"


def comment_thread(networks, channel):
    """Елена thanks, then Игорь complains, under the same post."""
    networks.people_post(channel.sandbox_key, text="Выставка «Парад военных книг»")
    channel_poll(channel=channel)
    first = networks.reader_writes(
        channel.sandbox_key,
        "Спасибо за выставку!",
        kind="comment",
        reader_id=410233,
        first_name="Елена",
        last_name="Миронова",
    )
    networks.reader_writes(
        channel.sandbox_key,
        "Безобразие, зал был закрыт, никакого объявления!",
        kind="comment",
        reader_id=530871,
        first_name="Игорь",
        last_name="Павлов",
        post_id=first["post_id"],
    )
    channel_poll(channel=channel)
    return Thread.objects.get(channel=channel, kind="comment"), first


def test_comment_thread_names_each_author_and_who_was_negative(
    networks, connect, client, admin_membership
):
    channel = connect(Network.VK)
    thread, first = comment_thread(networks, channel)
    assert thread.flagged
    assert "Миронова" not in thread.title and str(first["post_id"]) in thread.title
    login(client, admin_membership)
    org = channel.organisation.slug
    listing = client.get(reverse("inbox:list", kwargs={"org": org})).content.decode()
    assert "(Игорь Павлов)" in listing
    assert "Елена Миронова — " not in listing
    page = client.get(reverse("inbox:thread", kwargs={"org": org, "thread_id": thread.pk}))
    html = page.content.decode()
    assert "Елена Миронова" in html and "Игорь Павлов" in html
    assert "Негативные сообщения: Игорь Павлов." in html
    api = client.get(
        f"/api/v1/organisations/{org}/inbox/threads/{thread.pk}",
        **bearer(admin_membership.user),
    ).json()
    assert api["negative_authors"] == ["Игорь Павлов"]
    assert [m["negative"] for m in api["messages"]] == [False, True]


def test_librarian_chooses_which_comment_to_answer(
    networks, connect, client, admin_membership, sandbox_server
):
    channel = connect(Network.VK)
    thread, first = comment_thread(networks, channel)
    elena = thread.messages.get(author_id="410233")
    login(client, admin_membership)
    org = channel.organisation.slug
    url = reverse("inbox:thread", kwargs={"org": org, "thread_id": thread.pk})
    html = client.get(url).content.decode()
    # The latest reader's comment is chosen unless the librarian picks another.
    igor = thread.messages.get(author_id="530871")
    assert f'value="{igor.pk}" selected' in html
    response = client.post(
        reverse("inbox:reply", kwargs={"org": org, "thread_id": thread.pk}),
        {"text": "Елена, спасибо, что пришли!", "reply_to": elena.pk},
    )
    assert response.status_code == 302
    reply = thread.messages.get(direction=Direction.OUT)
    assert reply.delivery == Delivery.SENT and reply.in_reply_to == elena
    post = sandbox_server.world.accounts[channel.sandbox_key].post(first["post_id"])
    assert post.comments[-1]["reply_to"] == first["comment_id"]
    # A message of another conversation cannot be chosen.
    other = networks.reader_writes(channel.sandbox_key, "Личный вопрос", reader_id=99)
    assert other
    response = client.post(
        reverse("inbox:reply", kwargs={"org": org, "thread_id": thread.pk}),
        {"text": "Ответ", "reply_to": 10**6},
    )
    assert response.status_code == 400


def test_earlier_conversations_of_every_reader_of_a_comment_thread(
    networks, connect, client, admin_membership, member_factory
):
    from tests.factories import LibraryFactory

    channel = connect(Network.VK)
    thread, _first = comment_thread(networks, channel)
    # Игорь also wrote privately; another reader wrote privately too.
    networks.reader_writes(
        channel.sandbox_key,
        "Лично: когда откроетесь?",
        reader_id=530871,
        first_name="Игорь",
        last_name="Павлов",
    )
    networks.reader_writes(
        channel.sandbox_key, "Мой вопрос", reader_id=600600, first_name="Анна", last_name="Иванова"
    )
    channel_poll(channel=channel)
    igor = Thread.objects.get(channel=channel, kind="message", reader_id="530871")
    anna = Thread.objects.get(channel=channel, kind="message", reader_id="600600")
    login(client, admin_membership)
    org = channel.organisation.slug
    page = client.get(reverse("inbox:thread", kwargs={"org": org, "thread_id": thread.pk}))
    others = [t.pk for t in page.context["other_threads"]]
    assert others == [igor.pk]
    # From Игорь's dialog the comment thread he joined later is found; Анна's is never shown.
    page = client.get(reverse("inbox:thread", kwargs={"org": org, "thread_id": igor.pk}))
    assert [t.pk for t in page.context["other_threads"]] == [thread.pk]
    page = client.get(reverse("inbox:thread", kwargs={"org": org, "thread_id": anna.pk}))
    assert list(page.context["other_threads"]) == []
    # A librarian limited to another library sees none of them.
    other_library = LibraryFactory(organisation=channel.organisation)
    limited = member_factory(role=Role.REFERENCE, libraries=[other_library])
    from vitrina.inbox import selectors

    assert selectors.reader_other_threads(membership=limited, thread=thread) == []


def test_failed_reply_is_explained_in_russian_with_the_details_kept(
    networks, connect, client, admin_membership
):
    channel = connect(Network.VK)
    channel_poll(channel=channel)
    networks.reader_writes(channel.sandbox_key, "Можно продлить?", reader_id=4242)
    channel_poll(channel=channel)
    thread = Thread.objects.get(channel=channel)
    networks.fault(network="vk", method="messages.send", error=100, error_rate=1, count=1)
    login(client, admin_membership)
    org = channel.organisation.slug
    response = client.post(
        reverse("inbox:reply", kwargs={"org": org, "thread_id": thread.pk}),
        {"text": "Продлили."},
        follow=True,
    )
    html = response.content.decode()
    message = thread.messages.get(direction=Direction.OUT)
    assert message.failure == "ВКонтакте отклонил параметры запроса."
    assert "One of the parameters" in message.failure_detail
    assert "vk 100" in message.failure_detail
    assert "One of the parameters" not in html.split("<details>")[0]
    assert "ВКонтакте отклонил параметры запроса." in html
    # An unknown code: the plain sentence names the network and the code only.
    networks.fault(network="vk", method="messages.send", error=29, error_rate=1, count=1)
    retried = replies.reply_retry(
        message=message, membership=Membership.objects.get(pk=admin_membership.pk)
    )
    assert retried.delivery == Delivery.FAILED
    assert "Rate limit" not in retried.failure and "Rate limit" in retried.failure_detail


def test_list_and_thread_pages_with_comment_threads_keep_their_query_count(
    client, admin_membership, library
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ChannelFactory
    from tests.inbox.test_views import write

    login(client, admin_membership)
    org = admin_membership.organisation.slug

    def add(count, start):
        last = None
        for number in range(start, start + count):
            channel = ChannelFactory(library=library, network="vk")
            write(channel, number, reader=str(3000 + number), kind="comment", text="Спасибо!")
            last = write(
                channel,
                number + 500,
                reader=str(4000 + number),
                kind="comment",
                text="Безобразие, никто не отвечает!",
            )
        return last.thread

    def counted(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    thread = add(2, 0)
    list_url = reverse("inbox:list", kwargs={"org": org})
    thread_url = reverse("inbox:thread", kwargs={"org": org, "thread_id": thread.pk})
    counted(thread_url)  # the first visit also marks the thread read
    few, few_thread = counted(list_url), counted(thread_url)
    add(10, 100)
    assert counted(list_url) == few
    assert counted(thread_url) == few_thread
    assert "(Читатель 4101)" in client.get(list_url).content.decode()
