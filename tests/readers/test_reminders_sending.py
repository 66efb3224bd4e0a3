"""Sending reminders end to end: loans read from the library system, planned, sent through
the VK sandbox over real HTTP, and counted in the sandbox's own dialogs."""

import importlib.util
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories.readers import (
    ConsentFactory,
    FileLoanFactory,
    IlsConnectionFactory,
    ReaderFactory,
    ReaderLinkFactory,
)
from vitrina.channels.connect import provider_account
from vitrina.channels.providers.registry import get_provider, provider_class
from vitrina.channels.providers.types import DirectMessage, InboundEvent
from vitrina.core.models import Notification
from vitrina.core.roles import Role
from vitrina.readers import dialog
from vitrina.readers.models import (
    FileLoan,
    IlsKind,
    Loan,
    Purpose,
    ReaderLink,
    Reminder,
    ReminderAttempt,
    ReminderKind,
    ReminderSettings,
)
from vitrina.readers.services.loans import loans_sync_connection
from vitrina.readers.services.reminder_claims import reminders_claim, reminders_sweep_stale
from vitrina.readers.services.reminder_sending import message_key, reminders_send_due
from vitrina.readers.services.reminders import reminder_text, reminders_plan_round

pytestmark = [
    pytest.mark.django_db(transaction=False),
    pytest.mark.skipif(
        not provider_class("vk").messaging.can_write_first,
        reason="VK's provider writes to readers first once private dialogs are in",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("vitrina.readers.file_circulation") is None,
        reason="the file of loans' circulation is not here yet",
    ),
]

State = Reminder.State
READER = 7001


def payload(button: dict) -> str:
    """A button's payload as the reader's press gives it back (VK wraps it in JSON)."""
    value = button["payload"]
    try:
        data = json.loads(value)
    except ValueError:
        return value
    return data.get("cmd", value) if isinstance(data, dict) else value


@pytest.fixture
def network():
    return "vk"


@pytest.fixture
def world(settings, connect, library, member_factory, network):
    """A channel, a file connection, one linked reader with consent and an open dialog."""
    settings.READERS_REMINDER_BACKOFF_SECONDS = 0
    settings.READERS_REMINDER_RECHECK_SECONDS = 0
    channel = connect(network)
    ReminderSettings.objects.create(library=library, send_from="00:00", send_until="23:59")
    connection = IlsConnectionFactory(
        organisation=library.organisation, library=library, kind=IlsKind.FILE
    )
    reader = ReaderFactory(library=library, connection=connection, card="Ф000001")
    ConsentFactory(reader=reader, purpose=Purpose.REMINDERS)
    link = ReaderLinkFactory(reader=reader, channel=channel, network_user_id=str(READER))
    connect.sandbox = channel.sandbox_key
    connect.networks.dialogs_open(channel.sandbox_key, [READER])
    staff = member_factory(role=Role.CIRCULATION)
    today = timezone.now().astimezone(ZoneInfo(library.timezone)).date()

    class World:
        pass

    w = World()
    w.channel, w.connection, w.reader, w.link, w.today = channel, connection, reader, link, today
    w.staff, w.sandbox = staff.user, connect.networks

    def lend(days, count=1, **extra):
        return [
            FileLoanFactory(
                connection=connection, card=reader.card, due=today + timedelta(days=days), **extra
            )
            for _ in range(count)
        ]

    def outgoing():
        messages = w.sandbox.dialog(channel.sandbox_key, READER)["messages"]
        return [m for m in messages if not m["incoming"]]

    def round_():
        loans_sync_connection(connection=connection)
        reminders_plan_round()
        return reminders_send_due(threads=1)

    w.lend, w.outgoing, w.round = lend, outgoing, round_
    return w


@pytest.fixture
def connect(connect, networks):
    connect.networks = networks
    return connect


def test_loans_due_the_same_day_go_in_one_message(world):
    world.lend(2, count=3, title="Пушкин А. С. Евгений Онегин")
    world.round()
    [message] = world.outgoing()
    assert "3 книги — срок" in message["text"]
    assert "Онегин" not in message["text"]
    payloads = [payload(button) for button in message["buttons"]]
    assert payloads == [dialog.RENEW, dialog.BOOKS]
    reminders = list(Reminder.objects.all())
    assert {r.state for r in reminders} == {State.SENT}
    assert len({r.external_id for r in reminders}) == 1
    assert ReminderAttempt.objects.filter(outcome="sent").count() == 3
    # Planned and sent again: nothing new.
    world.round()
    assert len(world.outgoing()) == 1
    assert world.sandbox.limits()["vk"] == 0


def test_one_loan_renews_by_its_id(world):
    [item] = world.lend(0)
    world.round()
    [message] = world.outgoing()
    assert payload(message["buttons"][0]) == f"{dialog.RENEW}:{item.loan_id}"
    assert Reminder.objects.get().kind == ReminderKind.DUE_TODAY


def test_errors_are_retried_and_the_message_goes_once(world):
    world.lend(1)
    world.sandbox.fault(network="vk", method="messages.send", error_rate=1.0, error=10, count=2)
    world.round()
    assert len(world.outgoing()) == 1
    reminder = Reminder.objects.get()
    assert reminder.state == State.SENT
    outcomes = list(reminder.attempts.values_list("outcome", flat=True))
    assert outcomes == ["retry", "retry", "sent"]


def test_a_lost_answer_is_looked_up_not_sent_again(world):
    world.lend(1)
    world.sandbox.fault(network="vk", method="messages.send", drop_rate=1.0, count=1)
    world.round()
    assert len(world.outgoing()) == 1
    reminder = Reminder.objects.get()
    assert reminder.state == State.SENT
    assert list(reminder.attempts.values_list("outcome", flat=True)) == ["unknown", "found"]


@pytest.mark.parametrize("network", ["max"])
def test_a_lost_answer_is_looked_up_where_the_network_keeps_no_key(world, network):
    """MAX has no idempotency key: the message is found by its text and buttons."""
    world.lend(1, count=2)
    world.sandbox.fault(network=network, method="messages.send", drop_rate=1.0, count=1)
    world.round()
    assert len(world.outgoing()) == 1
    reminder = Reminder.objects.first()
    assert set(Reminder.objects.values_list("state", flat=True)) == {State.SENT}
    assert list(reminder.attempts.values_list("outcome", flat=True)) == ["unknown", "found"]


@pytest.mark.parametrize("network", ["telegram"])
def test_where_the_network_cannot_tell_nothing_is_sent_again(world, network):
    ReminderSettings.objects.filter(library=world.reader.library).update(networks=[network])
    world.lend(1)
    world.sandbox.fault(network=network, method="sendMessage", drop_rate=1.0, count=1)
    for _ in range(3):
        world.round()
    assert len(world.outgoing()) == 1
    reminder = Reminder.objects.get()
    assert reminder.state == State.UNKNOWN
    assert reminder.message_key
    assert reminder.not_before > timezone.now() + timedelta(days=365)
    assert list(reminder.attempts.values_list("outcome", flat=True)) == ["unknown", "unknown"]
    assert Notification.objects.filter(user=world.staff, text__contains="Ф000001").exists()


def test_the_networks_own_limit_is_waited_out(world, settings):
    world.lend(1)
    world.sandbox.fault(network="vk", method="messages.send", error_rate=1.0, error=6, count=1)
    world.round()
    reminder = Reminder.objects.get()
    assert reminder.state == State.PLANNED
    assert reminder.not_before > timezone.now()
    Reminder.objects.update(not_before=timezone.now())
    reminders_send_due(threads=1)
    assert len(world.outgoing()) == 1
    assert list(reminder.attempts.values_list("outcome", flat=True)) == ["retry", "sent"]


def test_lost_answers_and_errors_together_never_double(world):
    world.lend(1, count=2)
    world.lend(-1)
    world.lend(-8)
    world.sandbox.fault(network="vk", method="messages.send", drop_rate=0.5, count=4)
    world.sandbox.fault(network="vk", method="messages.getHistory", error_rate=1.0, count=1)
    for _ in range(4):
        world.round()
    texts = [message["text"] for message in world.outgoing()]
    assert len(texts) == len(set(texts)) == 3
    assert set(Reminder.objects.values_list("state", flat=True)) == {State.SENT}


def test_a_killed_workers_claim_is_swept_and_looked_up(world, settings):
    world.lend(2)
    loans_sync_connection(connection=world.connection)
    reminders_plan_round()
    [(ids, _claim)] = reminders_claim(limit=10, claimer="doomed")
    reminder = Reminder.objects.get(pk=ids[0])
    # The worker stored the key and called the network, then died before recording it.
    key = message_key(reminder)
    Reminder.objects.filter(pk=reminder.pk).update(message_key=key)
    provider = get_provider("vk")
    text = reminder_text(kind=reminder.kind, count=1, due=reminder.due)
    provider.send_direct(
        provider_account(world.channel), DirectMessage(user_id=str(READER), text=text, key=key)
    )
    # Within the lease the claim is left alone; after it, swept back as unknown.
    assert reminders_sweep_stale() == 0
    later = timezone.now() + timedelta(seconds=settings.READERS_REMINDER_LEASE_SECONDS + 1)
    assert reminders_sweep_stale(now=later) == 1
    reminders_send_due(threads=1)
    assert len(world.outgoing()) == 1
    reminder.refresh_from_db()
    assert reminder.state == State.SENT
    assert reminder.attempts.get().outcome == "found"


def test_a_worker_killed_before_the_call_leaves_a_message_still_to_send(world, settings):
    world.lend(2)
    loans_sync_connection(connection=world.connection)
    reminders_plan_round()
    [(ids, _claim)] = reminders_claim(limit=10, claimer="doomed")
    reminder = Reminder.objects.get(pk=ids[0])
    Reminder.objects.filter(pk=reminder.pk).update(message_key=message_key(reminder))
    later = timezone.now() + timedelta(seconds=settings.READERS_REMINDER_LEASE_SECONDS + 1)
    reminders_sweep_stale(now=later)
    reminders_send_due(threads=1)
    assert len(world.outgoing()) == 1
    assert Reminder.objects.get().state == State.SENT


def test_an_undeliverable_dialog_is_marked_and_the_staff_told(world):
    world.lend(1)
    world.lend(2)
    world.sandbox.dialog_action(world.channel.sandbox_key, READER, "deny")
    # Planned only: the reader denied messages in the network, Vitrina learns it on sending.
    ReaderLink.objects.filter(pk=world.link.pk).update(state=ReaderLink.State.ACTIVE)
    world.round()
    world.link.refresh_from_db()
    assert world.link.state == ReaderLink.State.UNDELIVERABLE
    states = sorted(Reminder.objects.values_list("state", flat=True))
    assert states == [State.FAILED, State.SKIPPED]
    assert not world.outgoing()
    assert Notification.objects.filter(user=world.staff, text__contains="Ф000001").exists()


def test_a_loan_returned_before_sending_is_skipped(world):
    [kept] = world.lend(1)
    [returned] = world.lend(1)
    loans_sync_connection(connection=world.connection)
    reminders_plan_round()
    FileLoan.objects.filter(pk=returned.pk).delete()  # returned at the desk meanwhile
    reminders_send_due(threads=1)
    [message] = world.outgoing()
    assert "1 книга" in message["text"]
    skipped = Reminder.objects.get(loan_id=returned.loan_id)
    assert skipped.state == State.SKIPPED
    assert "Возвращена" in skipped.result or "eturned" in skipped.result
    assert Reminder.objects.get(loan_id=kept.loan_id).state == State.SENT
    assert not Loan.objects.filter(loan_id=returned.loan_id).exists()


def test_a_loan_renewed_before_sending_is_skipped_and_armed_again(world):
    [item] = world.lend(1)
    loans_sync_connection(connection=world.connection)
    reminders_plan_round()
    FileLoan.objects.filter(pk=item.pk).update(due=world.today + timedelta(days=3))
    reminders_send_due(threads=1)
    assert Reminder.objects.get().state == State.SKIPPED
    world.round()
    assert Reminder.objects.filter(state=State.SENT, due=world.today + timedelta(days=3)).exists()
    assert len(world.outgoing()) == 1


def test_consent_withdrawn_after_planning_stops_the_reminder(world):
    world.lend(1)
    loans_sync_connection(connection=world.connection)
    reminders_plan_round()
    world.reader.consents.update(withdrawn_at=timezone.now())
    reminders_send_due(threads=1)
    assert Reminder.objects.get().state == State.SKIPPED
    assert not world.outgoing()


def test_the_daily_cap_holds_the_rest_for_tomorrow(world):
    ReminderSettings.objects.filter(library=world.reader.library).update(daily_cap=2)
    world.lend(2)
    world.lend(0)
    world.lend(-1)
    world.round()
    assert len(world.outgoing()) == 2
    waiting = Reminder.objects.get(state=State.PLANNED)
    assert waiting.not_before > timezone.now() + timedelta(minutes=1)


def test_the_library_system_down_waits_then_tells_why(world, settings):
    koha = pytest.importorskip("vitrina.catalog.connectors.koha")
    if not hasattr(koha, "KohaCirculation"):
        pytest.skip("Koha's circulation connector is not here yet")
    world.lend(1)
    loans_sync_connection(connection=world.connection)
    reminders_plan_round()
    settings.READERS_REMINDER_BACKOFF_SECONDS = 600
    world.connection.kind = IlsKind.KOHA
    world.connection.base_url = "http://127.0.0.1:9"
    world.connection.save()
    reminders_send_due(threads=1)
    reminder = Reminder.objects.get()
    assert reminder.state == State.PLANNED
    assert reminder.failures == 1
    assert reminder.not_before > timezone.now()
    world.connection.refresh_from_db()
    assert world.connection.sync_problem
    assert Notification.objects.filter(user=world.staff).exists()
    # Past the reminder's use: failed with the reason.
    Reminder.objects.update(
        not_before=timezone.now(), expires_at=timezone.now() + timedelta(minutes=5)
    )
    reminders_send_due(threads=1)
    reminder.refresh_from_db()
    assert reminder.state == State.FAILED
    assert reminder.result
    assert not world.outgoing()


def test_my_books_lists_titles_with_a_renew_button_each(world):
    world.lend(3, title="Пушкин А. С. Евгений Онегин")
    world.lend(5, title="Гоголь Н. В. Мёртвые души")
    event = InboundEvent(
        kind="button",
        external_id="b-books-1",
        thread=str(READER),
        text="books",
        author_id=str(READER),
    )
    dialog.handle(channel=world.channel, event=event)
    dialog.handle(channel=world.channel, event=event)  # the network's repeat
    [message] = world.outgoing()
    assert "Онегин" in message["text"] and "Мёртвые души" in message["text"]
    renews = [payload(b) for b in message["buttons"] if payload(b).startswith("renew:")]
    assert len(renews) == 2
    assert not Loan.objects.exists()  # shown, not stored
    words = InboundEvent(
        kind="message",
        external_id="m-books-2",
        thread=str(READER),
        text="Покажите мои книги",
        author_id=str(READER),
    )
    dialog.handle(channel=world.channel, event=words)
    assert len(world.outgoing()) == 2
