"""Withdrawal in one step (button, words, the network's stop) and a reader's own data."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.readers import ConsentFactory, ReaderLinkFactory
from tests.readers.test_linking import READER, event
from vitrina.core.models import AuditEntry
from vitrina.readers import dialog
from vitrina.readers.models import Consent, LinkRequest, Reader, ReaderLink, Reminder
from vitrina.readers.services.linking import link_request_create


@pytest.fixture
def linked(connect, sandbox):
    channel = connect("vk")
    sandbox.dialogs_open(channel.sandbox_key, [int(READER)])  # the reader allowed messages
    link = ReaderLinkFactory(
        channel=channel, network_user_id=READER, reader__library=channel.library
    )
    for purpose in ("reminders", "renewals"):
        ConsentFactory(reader=link.reader, purpose=purpose)
    now = timezone.now()
    Reminder.objects.create(
        reader=link.reader,
        link=link,
        loan_id="L1",
        due=timezone.localdate() + timedelta(days=3),
        kind="due_soon",
        not_before=now,
        expires_at=now + timedelta(days=1),
    )
    return link


def live(reader):
    return Consent.objects.filter(reader=reader, withdrawn_at__isnull=True).count()


def test_withdraw_button_withdraws_everything_and_skips_reminders(linked):
    dialog.handle(channel=linked.channel, event=event("button", "w-1", text="withdraw"))
    assert live(linked.reader) == 0
    assert set(Consent.objects.values_list("withdrawn_via", flat=True)) == {"button:vk"}
    reminder = Reminder.objects.get()
    assert reminder.state == "skipped" and reminder.result
    linked.refresh_from_db()
    assert linked.state == "active"  # the dialog may link again
    assert AuditEntry.objects.filter(action="reader.consent_withdrawn").count() == 1


@pytest.mark.parametrize("words", ["Стоп", "хочу отписаться", "Отозвать согласие, пожалуйста"])
def test_withdraw_words(linked, words):
    dialog.handle(channel=linked.channel, event=event("message", "m-1", text=words))
    assert live(linked.reader) == 0


def test_words_of_another_dialog_touch_nothing(linked):
    dialog.handle(channel=linked.channel, event=event("message", "m-2", text="стоп", user="1"))
    assert live(linked.reader) == 2


def test_dialog_stopped_stops_the_link(linked):
    dialog.handle(channel=linked.channel, event=event("dialog_stopped", "s-1"))
    linked.refresh_from_db()
    assert linked.state == ReaderLink.State.STOPPED and linked.state_reason
    assert live(linked.reader) == 0
    assert Reminder.objects.get().state == "skipped"


def test_a_withdrawn_dialog_links_again(client, linked):
    dialog.handle(channel=linked.channel, event=event("button", "w-2", text="withdraw"))
    dialog.handle(channel=linked.channel, event=event("button", "l-2", text="link"))
    assert LinkRequest.objects.filter(kind="link").count() == 1


def test_mydata_button_sends_a_data_request(linked):
    dialog.handle(channel=linked.channel, event=event("button", "d-1", text="mydata"))
    request = LinkRequest.objects.get()
    assert request.kind == "data" and request.network_user_id == READER


def test_data_page_export_and_delete(client, linked):
    _request, token = link_request_create(
        channel=linked.channel, user_id=READER, kind=LinkRequest.Kind.DATA
    )
    card = linked.reader.card
    page = client.get(f"/r/data/{token}/")
    assert page.status_code == 200 and card in page.content.decode()
    # A linking token does not open the data page.
    _other, link_token = link_request_create(channel=linked.channel, user_id=READER)
    assert client.get(f"/r/data/{link_token}/").status_code == 404
    exported = client.get(f"/r/data/{token}/export.json")
    assert exported["Content-Disposition"].startswith("attachment")
    data = json.loads(exported.content)
    assert data["card"] == card and len(data["consents"]) == 2
    assert {c["text_version"] for c in data["consents"]} and data["links"][0]["network"] == "vk"
    # Deletion needs its confirmation.
    refused = client.post(f"/r/data/{token}/delete/", {})
    assert refused.status_code == 400 and Reader.objects.exists()
    done = client.post(f"/r/data/{token}/delete/", {"confirm": "on"})
    assert done.status_code == 200
    assert not Reader.objects.exists() and not ReaderLink.objects.exists()
    assert not Consent.objects.exists() and not Reminder.objects.exists()
    assert not LinkRequest.objects.exists()
    entry = AuditEntry.objects.get(action="reader.deleted")
    assert card not in json.dumps(entry.changes, ensure_ascii=False) + entry.object_repr
    assert entry.changes["consents"] == 2 and entry.ip_address is None
    assert client.get(f"/r/data/{token}/").status_code == 404


def test_expired_data_link(client, linked):
    request, token = link_request_create(
        channel=linked.channel, user_id=READER, kind=LinkRequest.Kind.DATA
    )
    LinkRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    assert client.get(f"/r/data/{token}/export.json").status_code == 410
    assert client.post(f"/r/data/{token}/delete/", {"confirm": "on"}).status_code == 410
    assert Reader.objects.exists()


def test_a_linked_reader_is_not_offered_linking_again(linked):
    dialog.handle(channel=linked.channel, event=event("button", "l-9", text="link"))
    dialog.handle(channel=linked.channel, event=event("message", "m-9", text="мои книги"))
    dialog.handle(channel=linked.channel, event=event("dialog_allowed", "a-9"))
    assert not LinkRequest.objects.exists()


def test_mydata_without_a_card_makes_no_request(linked):
    dialog.handle(channel=linked.channel, event=event("button", "d-9", text="mydata", user="5"))
    assert not LinkRequest.objects.exists()


def test_a_dialog_opened_again_is_deliverable_again(linked):
    ReaderLink.objects.filter(pk=linked.pk).update(state="undeliverable", state_reason="901")
    dialog.handle(channel=linked.channel, event=event("dialog_allowed", "a-10"))
    linked.refresh_from_db()
    assert (linked.state, linked.state_reason) == ("active", "")
    assert not LinkRequest.objects.exists()
