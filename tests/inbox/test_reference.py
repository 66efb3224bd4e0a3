from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.inbox.test_views import login, write
from vitrina.channels.networks import Network
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.inbox import reference
from vitrina.inbox.models import Delivery, Direction, InquiryKind, ReferenceInquiry
from vitrina.inbox.services import inquiries, replies


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Подберите, пожалуйста, литературу по реабилитации после инсульта", "thematic"),
        ("Есть ли у вас «Анатомия человека» Сапина?", "address"),
        ("Уточните год издания и издательство книги Пирогова", "clarifying"),
        ("В каком году открыли областную медицинскую библиотеку?", "factual"),
        ("Сколько врачей Кузбасса ушло на фронт?", "factual"),
    ],
)
def test_type_is_suggested(text, kind):
    assert reference.suggest_kind(text) == kind


@pytest.mark.django_db
def test_inquiry_is_answered_in_the_same_conversation(networks, connect, admin):
    from tests.inbox.test_replies import reader_thread

    channel = connect(Network.TELEGRAM)
    thread = reader_thread(networks, channel, text="В каком году родился Пирогов?")
    membership = Membership.objects.get(user=admin)
    question = thread.messages.get(direction=Direction.IN)
    inquiry = inquiries.inquiry_create(
        message=question, membership=membership, kind=InquiryKind.FACTUAL, topic="Пирогов"
    )
    assert thread.tags.filter(tag="reference").exists()
    with pytest.raises(ServiceError):
        inquiries.inquiry_create(
            message=question, membership=membership, kind=InquiryKind.FACTUAL, topic="Ещё"
        )
    inquiry = inquiries.inquiry_answer(
        inquiry=inquiry,
        membership=membership,
        answer="Николай Иванович Пирогов родился в 1810 году.",
        sources="БРЭ, т. 26",
        kind=InquiryKind.FACTUAL,
    )
    assert inquiry.answered_at is not None
    sent = thread.messages.get(direction=Direction.OUT)
    assert sent.delivery == Delivery.SENT
    assert "1810" in sent.text and "БРЭ, т. 26" in sent.text
    with pytest.raises(ServiceError):
        inquiries.inquiry_answer(
            inquiry=inquiry, membership=membership, answer="x", sources="", kind="factual"
        )


@pytest.mark.django_db
def test_failed_answer_counts_once_delivered(networks, connect, admin):
    from tests.inbox.test_replies import reader_thread
    from vitrina.inbox.services import inquiries

    channel = connect(Network.VK)
    thread = reader_thread(networks, channel, text="Есть ли у вас «Хирургия» Кузина?")
    membership = Membership.objects.get(user=admin)
    question = thread.messages.get(direction=Direction.IN)
    inquiry = inquiries.inquiry_create(
        message=question, membership=membership, kind="address", topic="Кузин"
    )
    networks.fault(network="vk", method="messages.send", error=901, error_rate=1, count=1)
    inquiry = inquiries.inquiry_answer(
        inquiry=inquiry, membership=membership, answer="Есть, 2 экз.", sources="", kind="address"
    )
    assert inquiry.answered_at is None
    message = replies.reply_retry(message=inquiry.answer_message, membership=membership)
    inquiries.inquiries_settle(message)
    inquiry.refresh_from_db()
    assert inquiry.answered_at is not None


@pytest.mark.django_db
def test_counts_and_xlsx(client, admin_membership, channel):
    year = timezone.localdate().year
    for number, kind in enumerate(["thematic", "factual", "factual", "address"]):
        message = write(channel, number, reader=str(number))
        inquiry = inquiries.inquiry_create(
            message=message, membership=admin_membership, kind=kind, topic=f"Тема {number}"
        )
        if number < 3:
            ReferenceInquiry.objects.filter(pk=inquiry.pk).update(answered_at=timezone.now())
    counts = reference.inquiry_counts(ReferenceInquiry.objects.all(), year=year)
    assert counts["total"] == 3
    assert counts["totals"] == [1, 0, 0, 2]
    assert counts["libraries"][0]["library"] == channel.library.name
    login(client, admin_membership)
    org = channel.organisation.slug
    page = client.get(reverse("inbox:inquiries", kwargs={"org": org}), {"year": year})
    assert page.status_code == 200
    assert (
        client.get(reverse("inbox:inquiries", kwargs={"org": org}), {"year": "x"}).status_code
        == 200
    )
    response = client.get(reverse("inbox:inquiries-export", kwargs={"org": org}), {"year": year})
    book = load_workbook(BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.max_row == 2 + 12 + 1
    assert [cell.value for cell in sheet[15]][1:] == [1, 0, 0, 2, 3]
    libraries = book.worksheets[1]
    assert libraries["A3"].value == channel.library.name


@pytest.mark.django_db
def test_inquiry_pages(client, admin_membership, channel):
    message = write(channel, 1, text="Есть ли у вас «Анатомия» Сапина?")
    login(client, admin_membership)
    org = channel.organisation.slug
    url = reverse(
        "inbox:inquiry-create",
        kwargs={"org": org, "thread_id": message.thread_id, "message_id": message.pk},
    )
    page = client.get(url)
    assert page.context["form"].initial["kind"] == "address"
    assert client.post(url, {"kind": "address", "topic": ""}).status_code == 400
    # A topic of invisible characters or punctuation is no topic either.
    for empty in ("\u200b\u200b", "…", " — "):
        refused = client.post(url, {"kind": "address", "topic": empty})
        assert refused.status_code == 400
        assert "Напишите тему справки" in refused.content.decode()
    assert not ReferenceInquiry.objects.exists()
    response = client.post(url, {"kind": "address", "topic": "Сапин, Анатомия"})
    inquiry = ReferenceInquiry.objects.get()
    assert response.url == reverse("inbox:inquiry", kwargs={"org": org, "inquiry_id": inquiry.pk})
    assert client.get(response.url).status_code == 200
