"""Planning reminders from stored loans and the library's settings."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories.channels import ChannelFactory
from tests.factories.core import LibraryFactory
from tests.factories.readers import ConsentFactory, ReaderFactory, ReaderLinkFactory
from vitrina.readers.models import (
    Loan,
    Purpose,
    ReaderLink,
    Reminder,
    ReminderKind,
    ReminderSettings,
)
from vitrina.readers.services.reminders import (
    allowed_networks,
    reminder_text,
    reminders_plan_library,
    reminders_plan_round,
    reminders_skip_gone,
    settings_for,
    windows,
)

pytestmark = pytest.mark.django_db

# 12:00 in Moscow, a Wednesday.
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)


def linked(library, network="vk", consent=True):
    reader = ReaderFactory(library=library)
    channel = ChannelFactory(library=library, network=network)
    link = ReaderLinkFactory(reader=reader, channel=channel)
    if consent:
        ConsentFactory(reader=reader, purpose=Purpose.REMINDERS)
    return reader, link


def loan(reader, due, loan_id=None):
    return Loan.objects.create(
        reader=reader, loan_id=loan_id or f"L{Loan.objects.count() + 1}", due=due, title="Книга"
    )


@pytest.mark.parametrize(
    ("offset", "kind"),
    [
        (3, ReminderKind.DUE_SOON),
        (1, ReminderKind.DUE_SOON),
        (0, ReminderKind.DUE_TODAY),
        (-1, ReminderKind.OVERDUE_FIRST),
        (-7, ReminderKind.OVERDUE_FIRST),
        (-8, ReminderKind.OVERDUE_REPEAT),
        (-29, ReminderKind.OVERDUE_REPEAT),
        (-30, ReminderKind.OVERDUE_FINAL),
        (-32, ReminderKind.OVERDUE_FINAL),
        (-33, None),
        (4, None),
    ],
)
def test_each_kind_is_planned_in_its_window(offset, kind):
    library = LibraryFactory()
    reader, link = linked(library)
    loan(reader, TODAY + timedelta(days=offset))
    reminders_plan_library(library=library, now=NOW)
    kinds = list(Reminder.objects.values_list("kind", flat=True))
    assert kinds == ([kind] if kind else [])
    if kind:
        reminder = Reminder.objects.get()
        assert reminder.link == link
        assert reminder.due == TODAY + timedelta(days=offset)
        assert reminder.not_before == NOW
        assert reminder.expires_at > NOW


def test_windows_follow_the_settings_and_never_overlap():
    settings = ReminderSettings(
        due_soon_days=2,
        due_today=False,
        overdue_first_days=2,
        overdue_repeat_days=0,
        overdue_final_days=10,
    )
    due = TODAY
    found = {w.kind: (w.start - due, w.end - due) for w in windows(settings, due)}
    assert found == {
        ReminderKind.DUE_SOON: (timedelta(days=-2), timedelta(0)),
        ReminderKind.OVERDUE_FIRST: (timedelta(days=2), timedelta(days=10)),
        ReminderKind.OVERDUE_FINAL: (timedelta(days=10), timedelta(days=13)),
    }


def test_planning_again_adds_nothing():
    library = LibraryFactory()
    reader, _link = linked(library)
    loan(reader, TODAY + timedelta(days=2))
    assert reminders_plan_library(library=library, now=NOW) == 1
    assert reminders_plan_library(library=library, now=NOW + timedelta(minutes=15)) == 0
    assert Reminder.objects.count() == 1


def test_a_renewal_arms_the_reminders_again():
    library = LibraryFactory()
    reader, _link = linked(library)
    item = loan(reader, TODAY + timedelta(days=2))
    reminders_plan_library(library=library, now=NOW)
    first = Reminder.objects.get()
    Reminder.objects.filter(pk=first.pk).update(state=Reminder.State.SENT, sent_at=NOW)
    # Renewed for two weeks: the due-soon reminder of the new day comes when it is near.
    item.due = TODAY + timedelta(days=16)
    item.save()
    later = NOW + timedelta(days=13)
    reminders_plan_round(type("Context", (), {"now": later})())
    due_soon = Reminder.objects.filter(kind=ReminderKind.DUE_SOON).order_by("due")
    assert [r.due for r in due_soon] == [TODAY + timedelta(days=2), TODAY + timedelta(days=16)]
    assert due_soon[1].state == Reminder.State.PLANNED


def test_a_planned_reminder_of_a_renewed_loan_is_skipped():
    library = LibraryFactory()
    reader, _link = linked(library)
    item = loan(reader, TODAY + timedelta(days=2))
    reminders_plan_library(library=library, now=NOW)
    item.due = TODAY + timedelta(days=20)
    item.save()
    assert reminders_skip_gone(now=NOW) == 1
    assert Reminder.objects.get().state == Reminder.State.SKIPPED


@pytest.mark.parametrize(
    ("zone", "expected_local"),
    [
        # 18:00 in Vladivostok: within the hours, at once.
        ("Asia/Vladivostok", None),
        # 11:00 in Kaliningrad: the same moment, an hour before its sending starts.
        ("Europe/Kaliningrad", time(12, 0)),
        # 21:00 in Kamchatka, after the hours: the next day's start.
        ("Asia/Kamchatka", time(12, 0)),
    ],
)
def test_sending_hours_are_the_librarys_own(zone, expected_local):
    library = LibraryFactory(timezone=zone)
    ReminderSettings.objects.create(library=library, send_from="12:00", send_until="20:00")
    reader, _link = linked(library)
    local_today = NOW.astimezone(ZoneInfo(zone)).date()
    loan(reader, local_today + timedelta(days=2))
    reminders_plan_library(library=library, now=NOW)
    reminder = Reminder.objects.get()
    if expected_local is None:
        assert reminder.not_before == NOW
    else:
        local = reminder.not_before.astimezone(ZoneInfo(zone))
        assert local.time() == expected_local
        assert reminder.not_before > NOW
    # Given up when the window closes: the due day's midnight, the library's.
    assert reminder.expires_at.astimezone(ZoneInfo(zone)).time() == time(0)


def test_no_reminder_without_consent_or_after_withdrawal():
    library = LibraryFactory()
    reader, _link = linked(library, consent=False)
    loan(reader, TODAY + timedelta(days=1))
    withdrawn, _link2 = linked(library)
    withdrawn.consents.update(withdrawn_at=timezone.now())
    loan(withdrawn, TODAY + timedelta(days=1))
    assert reminders_plan_library(library=library, now=NOW) == 0


def test_networks_the_library_allows_and_those_that_can_write_first():
    library = LibraryFactory()
    reader, _vk_link = linked(library, network="vk")
    ReaderLinkFactory(reader=reader, channel=ChannelFactory(library=library, network="max"))
    only_ok, _ok_link = linked(library, network="ok")
    only_telegram, _tg_link = linked(library, network="telegram")
    for someone in (reader, only_ok, only_telegram):
        loan(someone, TODAY + timedelta(days=1))
    reminders_plan_library(library=library, now=NOW)
    # One reminder a reader, through the first network allowed; OK cannot write first and
    # Telegram is off by default.
    first = allowed_networks(settings_for(library))[0]
    assert first in ("vk", "max")
    assert list(Reminder.objects.values_list("link__channel__network", flat=True)) == [first]

    ReminderSettings.objects.create(library=library, networks=["telegram", "ok"])
    library.refresh_from_db()
    reminders_plan_library(library=library, now=NOW + timedelta(minutes=1))
    assert Reminder.objects.filter(reader=only_telegram).count() == 1
    assert not Reminder.objects.filter(reader=only_ok).exists()


def test_switched_off_plans_nothing():
    library = LibraryFactory()
    ReminderSettings.objects.create(library=library, enabled=False)
    reader, _link = linked(library)
    loan(reader, TODAY)
    assert reminders_plan_library(library=library, now=NOW) == 0


def test_the_message_gives_the_count_and_the_date_and_no_title():
    text = reminder_text(kind=ReminderKind.DUE_SOON, count=3, due=date(2026, 12, 5))
    assert "3 книги — срок 5 декабря" in text
    one = reminder_text(kind=ReminderKind.OVERDUE_FIRST, count=1, due=date(2026, 12, 5))
    assert "1 книга" in one and "5 декабря" in one
    five = reminder_text(kind=ReminderKind.DUE_TODAY, count=5, due=date(2026, 12, 5))
    assert "5 книг" in five


def test_a_dialog_that_cannot_be_reached_gives_way_to_the_readers_other_network():
    library = LibraryFactory()
    reader, first = linked(library, network="vk")
    second = ReaderLinkFactory(
        reader=reader, channel=ChannelFactory(library=library, network="max")
    )
    loan(reader, TODAY + timedelta(days=1))
    reminders_plan_library(library=library, now=NOW)
    chosen = Reminder.objects.get().link
    other = second if chosen == first else first
    ReaderLink.objects.filter(pk=chosen.pk).update(state=ReaderLink.State.UNDELIVERABLE)
    reminders_plan_library(library=library, now=NOW + timedelta(minutes=15))
    assert set(Reminder.objects.values_list("link", flat=True)) == {chosen.pk, other.pk}
