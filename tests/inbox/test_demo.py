import pytest

from vitrina.demo.build import build_demo
from vitrina.inbox.models import Message, ReferenceInquiry, Thread, ThreadStatus

pytestmark = pytest.mark.django_db


def test_demo_fills_both_inboxes(settings):
    settings.DEMO_MODE = True
    build_demo()
    knmb = Thread.objects.filter(organisation__slug="knmb")
    mednogorsk = Thread.objects.filter(organisation__slug="mednogorsk")
    assert knmb.count() == 3 and mednogorsk.count() == 3
    assert knmb.filter(status=ThreadStatus.IN_PROGRESS, assignee__isnull=False).exists()
    comments = Message.objects.filter(thread__organisation__slug="knmb", kind="comment")
    assert comments.count() == 2
    assert ReferenceInquiry.objects.filter(organisation__slug="knmb", kind="thematic").exists()
    # The complaints of the demo are flagged for a senior librarian.
    assert knmb.filter(flagged=True).count() == 1
    assert mednogorsk.filter(flagged=True).count() == 1
    assert build_demo(reset=True) is not None
    assert Thread.objects.count() == 6


@pytest.fixture
def demo_with_sandbox(settings, networks):
    settings.DEMO_MODE = True
    networks.settings(readers=False)  # only the demo's own readers write
    build_demo(sandbox=networks)
    return networks


def test_every_seeded_thread_of_the_demo_can_be_answered(demo_with_sandbox, sandbox_server):
    from vitrina.core.models import Membership
    from vitrina.inbox.models import Delivery
    from vitrina.inbox.services import inquiries, replies

    threads = Thread.objects.select_related("organisation")
    assert threads.count() == 6
    for thread in threads:
        demo = Membership.objects.get(user__username="demo", organisation=thread.organisation)
        sent = replies.reply_send(thread=thread, membership=demo, text="Спасибо, ответили!")
        assert sent.delivery == Delivery.SENT, (thread.title, sent.failure, sent.failure_detail)
    # The reference inquiry's answer reaches its reader in the same dialog.
    inquiry = ReferenceInquiry.objects.get(organisation__slug="knmb")
    reference_member = Membership.objects.get(
        user__username=inquiry.created_by.user.username, organisation__slug="knmb"
    )
    answered = inquiries.inquiry_answer(
        inquiry=inquiry,
        membership=reference_member,
        answer="Подобрали 12 статей и 3 книги.",
        sources="РИНЦ, ЭК НМБ",
        kind="thematic",
    )
    assert answered.answered_at is not None
    dialog = sandbox_server.world.accounts["vk:medlib42"].dialogs[inquiry.thread.reader_id]
    assert dialog[-1]["text"].startswith("Подобрали 12 статей и 3 книги.")
    assert not dialog[-1]["incoming"]


def test_demo_readers_are_named_and_the_comment_thread_is_the_posts(demo_with_sandbox):
    dialog = Thread.objects.get(channel__url="https://vk.com/medlib42", external_thread="310045")
    # VK events carry no names: they came from users.get.
    assert dialog.reader_name == "Анастасия Белова"
    comments = Thread.objects.get(channel__url="https://vk.com/medlib42", kind="comment")
    names = list(comments.messages.values_list("author_name", flat=True))
    assert names == ["Елена Миронова", "Игорь Павлов"]
    assert comments.flagged
    assert not comments.messages.get(author_name="Елена Миронова").negative
    assert comments.messages.get(author_name="Игорь Павлов").negative
    assert "Елена" not in comments.title
