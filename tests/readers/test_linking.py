"""A reader links the card from the dialog: the event, the one-time page, the consents."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.readers import FileLoanFactory, IlsConnectionFactory
from vitrina.channels.providers.types import InboundEvent
from vitrina.core.models import AuditEntry
from vitrina.readers import dialog
from vitrina.readers.consent_texts import VERSION, consent_text, operator_of
from vitrina.readers.models import Consent, IlsConnection, LinkRequest, Reader, ReaderLink
from vitrina.readers.services.linking import MAX_FAILED_ATTEMPTS, link_request_create

READER = "777001"


def event(kind, external_id, text="", user=READER, **raw):
    return InboundEvent(
        kind=kind, external_id=external_id, thread=user, text=text, author_id=user, raw=raw
    )


@pytest.fixture
def vk(connect, sandbox):
    channel = connect("vk")
    sandbox.dialogs_open(channel.sandbox_key, [int(READER)])  # the reader allowed messages
    return channel


@pytest.fixture
def loans(library):
    connection = IlsConnectionFactory(library=library, kind="file", second_factor="surname")
    FileLoanFactory(connection=connection, card="Ф123456", surname="Петрова")
    FileLoanFactory(connection=connection, card="Ф654321", surname="Сидоров")
    return connection


def link_url(token):
    return f"/r/link/{token}/"


def form(card="Ф123456", secret="Петрова", purposes=("reminders", "renewals")):
    return {"card": card, "secret": secret, "purposes": list(purposes)}


def test_dialog_started_creates_one_request_per_event(vk, loans):
    dialog.handle(channel=vk, event=event("dialog_started", "start-1", start="link"))
    dialog.handle(channel=vk, event=event("dialog_started", "start-1", start="link"))
    [request] = LinkRequest.objects.all()
    assert request.network_user_id == READER and request.kind == "link"
    assert len(request.token_hash) == 64 and request.used_at is None
    assert timedelta(minutes=25) < request.expires_at - timezone.now() <= timedelta(minutes=30)
    # The link button and the words of an unlinked reader ask again.
    dialog.handle(channel=vk, event=event("button", "press-1", text="link"))
    dialog.handle(channel=vk, event=event("message", "msg-1", text="Хочу привязать билет"))
    assert LinkRequest.objects.count() == 3


def test_linking_end_to_end(client, vk, loans, library):
    _request, token = link_request_create(channel=vk, user_id=READER)
    page = client.get(link_url(token))
    assert page.status_code == 200
    body = page.content.decode()
    assert (library.name in body and "Ваша фамилия" in body) or "surname" in body.lower()
    text = consent_text("reminders", operator=operator_of(library), network="ВКонтакте")
    assert "152-ФЗ" in body and text.version in body
    response = client.post(
        link_url(token), form(), HTTP_USER_AGENT="Browser/1.0", REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 200, response.content.decode()
    link = ReaderLink.objects.get()
    assert (link.channel, link.network_user_id, link.state) == (vk, READER, "active")
    assert link.reader.card == "Ф123456" and link.reader.connection == loans
    consents = {consent.purpose: consent for consent in Consent.objects.all()}
    assert set(consents) == {"reminders", "renewals"}
    assert consents["reminders"].text_version == VERSION
    assert consents["reminders"].text_hash == text.hash
    assert consents["reminders"].ip_address == "203.0.113.7"
    assert consents["reminders"].user_agent == "Browser/1.0"
    assert consents["reminders"].network == "vk"
    assert LinkRequest.objects.get().used_at is not None
    entry = AuditEntry.objects.get(action="reader.linked")
    assert "Ф123456" not in str(entry.changes) and READER not in str(entry.changes)
    # The link is spent.
    again = client.get(link_url(token))
    assert again.status_code == 410 and "уже использована" in again.content.decode()


def test_koha_asks_for_the_password_and_irbis_for_the_chosen_factor(client, vk, library):
    IlsConnectionFactory(library=library, kind="file", second_factor="birth_year")
    _request, token = link_request_create(channel=vk, user_id=READER)
    assert "Год рождения" in client.get(link_url(token)).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form(card="Ф000000"), "не найден"),
        (form(secret="Иванов"), "не совпадают"),
        (form(purposes=()), "хотя бы одну цель"),
        (form(card=""), "номер читательского билета"),
    ],
)
def test_bad_inputs_are_told_plainly(client, vk, loans, data, message):
    _request, token = link_request_create(channel=vk, user_id=READER)
    response = client.post(link_url(token), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReaderLink.objects.exists() and not Consent.objects.exists()


def test_wrong_attempts_spend_the_link(client, vk, loans):
    request, token = link_request_create(channel=vk, user_id=READER)
    for _attempt in range(MAX_FAILED_ATTEMPTS):
        client.post(link_url(token), form(secret="Неверная"))
    request.refresh_from_db()
    assert request.failed_attempts == MAX_FAILED_ATTEMPTS
    response = client.post(link_url(token), form())
    assert response.status_code == 429
    assert "Слишком много" in response.content.decode()
    assert not ReaderLink.objects.exists()


def test_an_address_is_throttled_across_links(client, vk, loans, settings):
    settings.LOGIN_MAX_FAILURES = 1  # an address gets four times as many
    for number in range(4):
        _request, token = link_request_create(channel=vk, user_id=f"{READER}{number}")
        client.post(link_url(token), form(secret="Неверная"), REMOTE_ADDR="198.51.100.9")
    _request, token = link_request_create(channel=vk, user_id=READER)
    response = client.post(link_url(token), form(), REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    assert not ReaderLink.objects.exists()
    # Another address is not held up.
    response = client.post(link_url(token), form(), REMOTE_ADDR="198.51.100.10")
    assert response.status_code == 200


def test_already_linked_and_linked_to_another_card(client, vk, loans):
    _request, token = link_request_create(channel=vk, user_id=READER)
    client.post(link_url(token), form())
    _request, token = link_request_create(channel=vk, user_id=READER)
    response = client.post(link_url(token), form())
    assert "уже привязан к этому диалогу" in response.content.decode()
    _request, token = link_request_create(channel=vk, user_id=READER)
    response = client.post(link_url(token), form(card="Ф654321", secret="Сидоров"))
    assert "другому читательскому билету" in response.content.decode()
    assert Reader.objects.filter(card="Ф654321").count() == 0
    assert ReaderLink.objects.get().reader.card == "Ф123456"


def test_expired_and_unknown_links(client, vk, loans):
    request, token = link_request_create(channel=vk, user_id=READER)
    LinkRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    response = client.get(link_url(token))
    assert response.status_code == 410 and "истёк" in response.content.decode()
    assert client.get(link_url("nonsense")).status_code == 404
    assert client.post(link_url("x" * 200), form()).status_code == 404


def test_no_connection_is_said(client, vk):
    _request, token = link_request_create(channel=vk, user_id=READER)
    response = client.get(link_url(token))
    assert "ещё не подключила" in response.content.decode()


def test_archived_connection_does_not_serve(client, vk, loans):
    IlsConnection.objects.filter(pk=loans.pk).update(archived_at=timezone.now())
    _request, token = link_request_create(channel=vk, user_id=READER)
    response = client.post(link_url(token), form())
    assert "ещё не подключила" in response.content.decode()


def test_the_form_needs_its_csrf_token(vk, loans):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    _request, token = link_request_create(channel=vk, user_id=READER)
    assert strict.post(link_url(token), form()).status_code == 403
    assert not ReaderLink.objects.exists()
