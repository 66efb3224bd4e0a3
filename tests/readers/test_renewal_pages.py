"""The renewal queue, the debtors list and its XLSX, and the renewal action on the inbox's
thread page."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories.inbox import MessageFactory, ThreadFactory
from tests.factories.readers import (
    ConsentFactory,
    LoanFactory,
    ReaderFactory,
    ReaderLinkFactory,
    ReminderFactory,
    RenewalRequestFactory,
)
from vitrina.channels.providers.types import InboundEvent
from vitrina.core.roles import Role
from vitrina.readers import dialog
from vitrina.readers.models import Loan, Purpose, RenewalRequest

State = RenewalRequest.State


@pytest.fixture
def signed_in(client, member_factory):
    def make(role=Role.CIRCULATION, libraries=()):
        membership = member_factory(role=role, libraries=libraries)
        client.force_login(membership.user)
        return membership

    return make


def _url(name, **kwargs):
    return reverse(f"readers:{name}", kwargs={"org": "cbs", **kwargs})


@pytest.fixture
def queue(library, channel):
    today = timezone.localdate()
    made = []
    for number in range(8):
        reader = ReaderFactory(library=library, connection__library=library, card=f"Q{number:04d}")
        link = ReaderLinkFactory(reader=reader, channel=channel)
        made.append(
            RenewalRequestFactory(
                reader=reader,
                link=link,
                title=f"Книга очереди {number}",
                due=today + timedelta(days=number - 2),
                requested_at=timezone.now() - timedelta(hours=10 - number),
            )
        )
    RenewalRequestFactory(reader=made[0].reader, state=State.RENEWED, title="Уже продлена")
    return made


def test_the_queue_lists_waiting_requests_oldest_first(client, signed_in, queue):
    signed_in()
    page = client.get(_url("renewals"))
    assert page.status_code == 200
    body = page.content.decode()
    positions = [body.index(f"Книга очереди {number}") for number in range(8)]
    assert positions == sorted(positions)
    assert "Уже продлена" not in body
    # Prefilled with the usual loan period from the due day (today for a debt).
    today = timezone.localdate()
    assert f'value="{(today + timedelta(days=14)):%Y-%m-%d}"' in body
    assert f'value="{(today + timedelta(days=19)):%Y-%m-%d}"' in body
    assert ("Q0000" in body and "2 дня" in body) or "overdue" in body


def test_the_queue_is_read_in_a_few_queries(
    client, signed_in, queue, django_assert_max_num_queries
):
    signed_in()
    client.get(_url("renewals"))
    with django_assert_max_num_queries(14):
        assert client.get(_url("renewals")).status_code == 200


def test_confirming_from_the_queue(client, signed_in, queue):
    signed_in()
    request = queue[3]
    day = request.due + timedelta(days=7)
    answer = client.post(
        _url("renewal-confirm", renewal_id=request.pk), {f"c{request.pk}-new_due": day}
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.state == State.RENEWED and request.new_due == day


def test_bad_input_in_the_queue_is_a_message_not_a_failure(client, signed_in, queue):
    signed_in()
    request = queue[3]
    for data in ({f"c{request.pk}-new_due": "вчера"}, {f"c{request.pk}-new_due": "2001-01-01"}):
        answer = client.post(_url("renewal-confirm", renewal_id=request.pk), data, follow=True)
        assert answer.status_code == 200
        assert answer.context["messages"]
    answer = client.post(
        _url("renewal-refuse", renewal_id=request.pk), {f"r{request.pk}-code": "x"}, follow=True
    )
    assert answer.status_code == 200
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_refusing_from_the_queue(client, signed_in, queue):
    signed_in()
    request = queue[0]
    client.post(_url("renewal-refuse", renewal_id=request.pk), {f"r{request.pk}-code": "too_many"})
    request.refresh_from_db()
    assert request.state == State.REFUSED and request.refusal_code == "too_many"


def test_an_analyst_sees_the_counts_and_cannot_decide(client, signed_in, queue):
    signed_in(Role.ANALYST)
    page = client.get(_url("renewals"))
    assert page.status_code == 200
    assert "Книга очереди" not in page.content.decode() and "Q000" not in page.content.decode()
    assert page.context["counts"]["pending"] == 8
    request = queue[0]
    answer = client.post(
        _url("renewal-refuse", renewal_id=request.pk), {f"r{request.pk}-code": "too_many"}
    )
    assert answer.status_code == 403


def test_a_librarian_of_another_library_sees_none_of_them(client, signed_in, queue, organisation):
    from tests.factories import LibraryFactory

    signed_in(libraries=[LibraryFactory(organisation=organisation)])
    assert "Книга очереди" not in client.get(_url("renewals")).content.decode()
    answer = client.post(_url("renewal-refuse", renewal_id=queue[0].pk), {})
    assert answer.status_code == 404


# Debtors


@pytest.fixture
def debts(library, channel):
    today = timezone.localdate()
    made = {}
    for days in (1, 5, 8, 30, 31, 90):
        reader = ReaderFactory(library=library, connection__library=library, card=f"D{days:04d}")
        link = ReaderLinkFactory(reader=reader, channel=channel)
        made[days] = LoanFactory(
            reader=reader, loan_id=f"d{days}", title=f"=Долг {days}", due=today - timedelta(days)
        )
        ReminderFactory(link=link, loan_id=f"d{days}", due=made[days].due, result="")
    LoanFactory(reader=made[1].reader, loan_id="fresh", title="Не долг", due=today)
    RenewalRequestFactory(reader=made[5].reader, loan_id="d5", state=State.REFUSED)
    return made


def test_debtors_by_days_overdue(client, signed_in, debts):
    signed_in()
    page = client.get(_url("debtors"))
    assert page.status_code == 200
    assert page.context["counts"] == {"1-7": 2, "8-30": 2, "30+": 2, "total": 6}
    body = page.content.decode()
    assert "Не долг" not in body and "D0090" in body
    loans = page.context["loans"]
    assert [loan.days_overdue for loan in loans] == [90, 31, 30, 8, 5, 1]
    assert loans[4].renewal_label
    assert loans[0].reminder[0]
    month = client.get(_url("debtors"), {"group": "8-30"}).context["loans"]
    assert [loan.days_overdue for loan in month] == [30, 8]
    assert client.get(_url("debtors"), {"group": "ever", "library": "x"}).status_code == 200


def test_debtors_are_read_in_a_few_queries(client, signed_in, debts, django_assert_max_num_queries):
    signed_in()
    client.get(_url("debtors"))
    with django_assert_max_num_queries(14):
        assert client.get(_url("debtors")).status_code == 200


def test_the_debtors_xlsx_keeps_formulas_out(client, signed_in, debts):
    signed_in()
    answer = client.get(_url("debtors-export"), {"group": "30+"})
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    cards = [row[0] for row in rows if row[0] and str(row[0]).startswith("D0")]
    assert cards == ["D0090", "D0031"]
    titles = [row[2] for row in rows if row[2] and "Долг" in str(row[2])]
    assert titles == ["=Долг 90", "=Долг 31"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=Долг 90"]
    assert cells[0].data_type == "s"


def test_an_analyst_sees_only_the_counts_of_debts(client, signed_in, debts):
    signed_in(Role.ANALYST)
    page = client.get(_url("debtors"))
    assert page.context["counts"]["total"] == 6
    assert "D0090" not in page.content.decode()
    assert client.get(_url("debtors-export")).status_code == 403


# The inbox's thread page


@pytest.fixture
def asking(file_world):
    link = file_world["link"]
    thread = ThreadFactory(
        channel=link.channel, reader_id=link.network_user_id, external_thread=link.network_user_id
    )
    message = MessageFactory(thread=thread, text="Здравствуйте! Продлите, пожалуйста, книгу")
    event = InboundEvent(
        kind="message",
        external_id=message.external_id,
        thread=thread.external_thread,
        text=message.text,
        author_id=link.network_user_id,
    )
    dialog.handle(channel=link.channel, event=event, message=message)
    return {**file_world, "thread": thread}


def test_a_renewal_request_in_words_tags_the_conversation(asking):
    assert list(asking["thread"].tags.values_list("tag", flat=True)) == ["renewal"]


def test_other_words_do_not(file_world):
    link = file_world["link"]
    thread = ThreadFactory(channel=link.channel, reader_id=link.network_user_id)
    message = MessageFactory(thread=thread, text="А продлёнка у вас есть?")
    event = InboundEvent(
        kind="message", external_id="x1", thread="t", text=message.text, author_id="1"
    )
    dialog.handle(channel=link.channel, event=event, message=message)
    assert not thread.tags.exists()


def _thread_page(client, thread):
    return client.get(reverse("inbox:thread", kwargs={"org": "cbs", "thread_id": thread.pk}))


def test_the_thread_page_offers_the_renewal_with_the_loans_read_now(client, signed_in, asking):
    signed_in()
    body = _thread_page(client, asking["thread"]).content.decode()
    assert "F000123" in body
    assert "Мастер и Маргарита" in body and "Тихий Дон" in body
    assert _url("thread-renew", thread_id=asking["thread"].pk) in body


def test_renewing_from_the_thread_page(client, signed_in, asking):
    signed_in()
    thread = asking["thread"]
    day = timezone.localdate() + timedelta(days=30)
    answer = client.post(
        _url("thread-renew", thread_id=thread.pk), {"loan_id": "inv-2", "new_due": day}
    )
    assert answer.status_code == 302
    request = RenewalRequest.objects.get()
    assert (request.state, request.new_due, request.source) == (State.RENEWED, day, "inbox")
    assert request.inbox_message_id == thread.messages.get().pk
    assert Loan.objects.get(loan_id="inv-2").due == day
    # A loan not on the card, and bad input: a message, never a failure.
    for data in ({"loan_id": "nope"}, {"loan_id": "inv-1", "new_due": "x"}, {}):
        answer = client.post(_url("thread-renew", thread_id=thread.pk), data, follow=True)
        assert answer.status_code == 200 and answer.context["messages"]


def test_an_unlinked_dialog_gets_a_hint(client, signed_in, channel):
    signed_in()
    thread = ThreadFactory(channel=channel, reader_id="4242")
    MessageFactory(thread=thread, text="Можно продлить книгу?")
    body = _thread_page(client, thread).content.decode()
    assert 'id="renewal-heading"' in body
    assert "thread-renew" not in body and "/renew/" not in body


def test_no_panel_for_those_who_do_not_serve_readers(client, signed_in, asking):
    signed_in(Role.EDITOR)
    body = _thread_page(client, asking["thread"]).content.decode()
    assert 'id="renewal-heading"' not in body


def test_no_consent_no_renewal_buttons(client, signed_in, asking):
    from vitrina.readers.models import Consent

    Consent.objects.update(withdrawn_at=timezone.now())
    signed_in()
    body = _thread_page(client, asking["thread"]).content.decode()
    assert 'id="renewal-heading"' in body and "/renew/" not in body


def test_consent_to_reminders_only_is_not_consent_to_renewals(file_world):
    from vitrina.readers.selectors.renewals import consents_to

    reader = ReaderFactory(
        library=file_world["connection"].library, connection=file_world["connection"]
    )
    ConsentFactory(reader=reader, purpose=Purpose.REMINDERS)
    assert not consents_to(reader)


def test_the_queue_shows_what_is_being_tried_again(client, signed_in, queue):
    RenewalRequestFactory(
        reader=queue[0].reader,
        state=State.FAILED,
        title="Повторяемая книга",
        refusal_text="Сервер Koha не отвечает.",
    )
    signed_in()
    body = client.get(_url("renewals")).content.decode()
    assert "Повторяются" in body and "Повторяемая книга" in body
    assert "Сервер Koha не отвечает." in body
