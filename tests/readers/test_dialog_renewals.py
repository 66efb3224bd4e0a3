"""Renewals end to end through the sandbox: a reader presses «Продлить» in their VK or MAX
dialog, the inbox polls the press in, the loan is renewed through the emulated Koha or
asked of a librarian, and every answer lands in the reader's dialog — once."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.readers import (
    ConsentFactory,
    FileLoanFactory,
    IlsConnectionFactory,
    LoanFactory,
    ReaderFactory,
    ReaderLinkFactory,
)
from vitrina.channels.providers.types import Button
from vitrina.core.crypto import encrypt
from vitrina.core.roles import Role
from vitrina.inbox.polling import channel_poll
from vitrina.readers.models import IlsKind, Purpose, RenewalRequest
from vitrina.readers.services.dialog_send import dialog_say
from vitrina.readers.services.renewal_queue import renewals_retry

READER = 881234


def _linked(channel, connection, card, ils_id, loans):
    reader = ReaderFactory(
        library=connection.library, connection=connection, card=card, ils_id=ils_id
    )
    link = ReaderLinkFactory(reader=reader, channel=channel, network_user_id=str(READER))
    ConsentFactory(reader=reader, purpose=Purpose.RENEWALS)
    for loan_id, title, due in loans:
        LoanFactory(reader=reader, loan_id=loan_id, title=title, due=due)
    return link


def _reminded(networks, link, loan_id):
    """The reader opened the dialog and got a reminder with «Продлить» (as reminders send)."""
    networks.dialog_action(link.channel.sandbox_key, READER, "write", text="Здравствуйте")
    dialog_say(
        channel=link.channel,
        user_id=str(READER),
        text="Напоминание из библиотеки: 1 книга до завтра.",
        key=f"reminder-{loan_id}",
        buttons=[Button("Продлить", payload=f"renew:{loan_id}")],
    )


def _press(networks, link, loan_id):
    networks.dialog_action(link.channel.sandbox_key, READER, "press", payload=f"renew:{loan_id}")
    channel_poll(channel=link.channel)


def _said(networks, link) -> list[str]:
    dialog = networks.dialog(link.channel.sandbox_key, READER)
    return [message["text"] for message in dialog["messages"] if not message["incoming"]]


@pytest.fixture
def koha_reader(networks, connect, library):
    channel = connect("vk")
    channel_poll(channel=channel)  # the first round sets the cursor
    credentials = networks.koha_credentials()
    connection = IlsConnectionFactory(
        library=library,
        kind=IlsKind.KOHA,
        base_url=credentials["url"],
        username=credentials["username"],
        secret_ciphertext=encrypt(credentials["password"]),
    )
    [patron] = networks.koha_patrons(kind="renewable", limit=1)
    there = next(loan for loan in patron["loans"] if loan["refusal"] is None)
    loans = [
        (str(loan["checkout_id"]), loan["title"], date.fromisoformat(loan["due"]))
        for loan in patron["loans"]
    ]
    link = _linked(channel, connection, patron["card"], str(patron["patron_id"]), loans)
    return link, there


def test_renewed_through_koha_and_told_once(networks, koha_reader):
    link, there = koha_reader
    loan_id = str(there["checkout_id"])
    _reminded(networks, link, loan_id)
    _press(networks, link, loan_id)
    request = RenewalRequest.objects.get()
    assert request.state == "renewed"
    said = _said(networks, link)
    assert said[-1].startswith(f"Книга «{there['title']}» продлена до ")
    assert f"{request.new_due.day} " in said[-1]
    assert request.reader_told_at is not None
    # Polled again, nothing new: the press is acted on once.
    channel_poll(channel=link.channel)
    assert _said(networks, link) == said
    # Pressed again: the new date once more, no second renewal.
    _press(networks, link, loan_id)
    after = networks.koha_patron(link.reader.card)["loans"]
    renewals = next(loan for loan in after if str(loan["checkout_id"]) == loan_id)["renewals"]
    assert renewals == there["renewals"] + 1
    assert RenewalRequest.objects.count() == 1


def test_a_koha_that_is_down_is_told_and_the_retry_tells_the_renewal(networks, koha_reader):
    link, there = koha_reader
    loan_id = str(there["checkout_id"])
    _reminded(networks, link, loan_id)
    networks.fault(network="koha", method="checkouts.list", error_rate=1, count=2)
    _press(networks, link, loan_id)
    assert "Библиотечная система сейчас не отвечает" in _said(networks, link)[-1]
    networks.clear_faults()
    renewals_retry()
    assert _said(networks, link)[-1].startswith(f"Книга «{there['title']}» продлена до ")
    renewals_retry()
    assert sum("продлена до" in text for text in _said(networks, link)) == 1


@pytest.mark.parametrize("network", ["vk", "max"])
def test_a_librarian_confirms_or_refuses_and_the_reader_is_told(
    networks, connect, library, client, member_factory, network
):
    channel = connect(network)
    channel_poll(channel=channel)
    connection = IlsConnectionFactory(library=library)
    due = timezone.localdate() + timedelta(days=1)
    for loan_id, title in (("i-1", "Обломов"), ("i-2", "Отцы и дети")):
        FileLoanFactory(connection=connection, card="F55", loan_id=loan_id, title=title, due=due)
    link = _linked(
        channel, connection, "F55", "F55", [("i-1", "Обломов", due), ("i-2", "Отцы и дети", due)]
    )
    _reminded(networks, link, "i-1")
    _press(networks, link, "i-1")
    assert _said(networks, link)[-1] == (
        "Заявка на продление книги «Обломов» принята, библиотекарь ответит здесь."
    )
    dialog_say(
        channel=channel,
        user_id=str(READER),
        text="Ещё одна книга",
        key="reminder-2",
        buttons=[Button("Продлить", payload="renew:i-2")],
    )
    _press(networks, link, "i-2")
    first, second = RenewalRequest.objects.order_by("pk")

    client.force_login(member_factory(role=Role.CIRCULATION).user)
    org = channel.organisation.slug
    new_due = due + timedelta(days=14)
    client.post(
        reverse("readers:renewal-confirm", kwargs={"org": org, "renewal_id": first.pk}),
        {f"c{first.pk}-new_due": new_due.isoformat()},
    )
    client.post(
        reverse("readers:renewal-refuse", kwargs={"org": org, "renewal_id": second.pk}),
        {f"r{second.pk}-code": "on_reserve"},
    )
    said = _said(networks, link)
    assert said[-2].startswith("Библиотекарь продлил книгу «Обломов» до ")
    assert said[-1] == (
        "Библиотекарь не смог продлить книгу «Отцы и дети». Эту книгу забронировал другой "
        "читатель, поэтому продлить её нельзя. Пожалуйста, верните её в срок."
    )
    # Deciding again tells nothing new.
    client.post(
        reverse("readers:renewal-refuse", kwargs={"org": org, "renewal_id": second.pk}),
        {f"r{second.pk}-code": "too_many"},
    )
    assert _said(networks, link) == said
