"""Reader services' section of the period report, and debts counted as returned after a
reminder."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from docx import Document as Docx

from tests.factories import ChannelFactory, UserFactory
from tests.factories.readers import (
    ConsentFactory,
    LoanFactory,
    ReaderFactory,
    ReaderLinkFactory,
    ReminderFactory,
    RenewalRequestFactory,
)
from vitrina.analytics.export import report_csv, report_docx, report_xlsx
from vitrina.analytics.report import build_report
from vitrina.analytics.services.reports import report_save
from vitrina.core.exports import registry
from vitrina.core.exports.sections import KeyValues, Meta, Table
from vitrina.readers.models import Purpose, Reader, Reminder, RenewalRequest
from vitrina.readers.services.debts import debts_returned_mark

IN_PERIOD = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def links(library):
    vk = ChannelFactory(library=library, network="vk")
    max_channel = ChannelFactory(library=library, network="max", kind="bot")
    readers = [ReaderFactory(library=library, connection__library=library) for _ in range(3)]
    for reader in readers:
        ConsentFactory(reader=reader, purpose=Purpose.REMINDERS)
    return {
        "vk": [ReaderLinkFactory(reader=reader, channel=vk) for reader in readers],
        "max": ReaderLinkFactory(reader=readers[0], channel=max_channel),
    }


def test_a_debt_returned_or_renewed_after_its_reminder_is_marked(links):
    now = timezone.now()
    returned, renewed, kept = links["vk"]
    due = timezone.localdate() - timedelta(days=5)
    for link in (returned, renewed, kept):
        ReminderFactory(link=link, loan_id="L", due=due, sent_at=now - timedelta(days=2))
    # Returned: gone from the loans read after the reminder.
    Reader.objects.filter(pk=returned.reader_id).update(loans_checked_at=now)
    # Renewed: its due day moved past the reminder's.
    LoanFactory(reader=renewed.reader, loan_id="L", due=due + timedelta(days=14))
    LoanFactory(reader=kept.reader, loan_id="L", due=due)
    # Gone because the loans were never read again since: not counted.
    assert debts_returned_mark() == 2
    marked = Reminder.objects.filter(returned_after=True).values_list("reader_id", flat=True)
    assert sorted(marked) == sorted([returned.reader_id, renewed.reader_id])
    assert debts_returned_mark() == 0


def test_a_debt_gone_because_consent_was_withdrawn_is_not_a_return(links):
    link = links["vk"][0]
    now = timezone.now()
    ReminderFactory(link=link, loan_id="L", sent_at=now - timedelta(days=1))
    Reader.objects.filter(pk=link.reader_id).update(loans_checked_at=now)
    link.reader.consents.update(withdrawn_at=now)
    assert debts_returned_mark() == 0


def test_a_return_long_after_the_reminder_is_not_counted(links, settings):
    link = links["vk"][0]
    now = timezone.now()
    ReminderFactory(link=link, loan_id="L", sent_at=now - timedelta(days=30))
    Reader.objects.filter(pk=link.reader_id).update(loans_checked_at=now)
    settings.READERS_RETURNED_AFTER_DAYS = 14
    assert debts_returned_mark() == 0


def test_due_soon_reminders_are_no_debts(links):
    link = links["vk"][0]
    ReminderFactory(link=link, loan_id="L", kind="due_soon")
    Reader.objects.filter(pk=link.reader_id).update(loans_checked_at=timezone.now())
    assert debts_returned_mark() == 0


def _section(organisation, library=None):
    meta = Meta(
        organisation=organisation,
        library=library,
        date_from=date(2026, 1, 1),
        date_to=date(2026, 12, 31),
    )
    (ours,) = [
        item
        for item in registry.contributions("analytics.report")
        if item.key == "readers.services"
    ]
    return ours.build(meta)


def test_the_report_counts_reminders_renewals_and_debts_returned(organisation, library, links):
    vk = links["vk"]
    for kind in ("due_soon", "due_soon", "due_today"):
        ReminderFactory(link=vk[0], kind=kind, sent_at=IN_PERIOD)
    ReminderFactory(link=vk[1], kind="overdue_first", loan_id="a", sent_at=IN_PERIOD)
    ReminderFactory(link=vk[1], kind="overdue_repeat", loan_id="a", sent_at=IN_PERIOD)
    ReminderFactory(
        link=vk[2], kind="overdue_first", loan_id="b", sent_at=IN_PERIOD, returned_after=True
    )
    ReminderFactory(link=links["max"], kind="overdue_final", loan_id="c", sent_at=IN_PERIOD)
    ReminderFactory(link=vk[0], kind="due_soon", sent_at=datetime(2025, 12, 31, 12, tzinfo=UTC))
    ReminderFactory(link=vk[0], kind="due_soon", state="failed", sent_at=None)
    # 23:30 on 31 December 2026 in UTC is 2027 in Moscow.
    ReminderFactory(link=vk[0], kind="due_soon", sent_at=datetime(2026, 12, 31, 21, 30, tzinfo=UTC))
    reader = vk[0].reader
    renewed = RenewalRequest.State.RENEWED
    for librarian in (None, None, UserFactory()):
        RenewalRequestFactory(
            reader=reader, state=renewed, decided_at=IN_PERIOD, decided_by=librarian
        )
    RenewalRequestFactory(reader=reader, state="refused", decided_at=IN_PERIOD)
    RenewalRequestFactory(reader=reader, state=renewed, decided_at=datetime(2027, 2, 1, tzinfo=UTC))

    sent, renewals, debts = _section(organisation)
    assert isinstance(sent, Table) and isinstance(debts, KeyValues)
    assert [column.title for column in sent.columns][1:] == ["MAX", "ВКонтакте", "Итого"] or [
        column.title for column in sent.columns
    ][1:] == ["MAX", "VK", "Total"]
    rows = {row[0]: row[1:] for row in sent.rows}
    assert list(rows.values()) == [[0, 2, 2], [0, 1, 1], [0, 2, 2], [0, 1, 1], [1, 0, 1], [1, 6, 7]]
    assert renewals.rows == [[library.name, 2, 1, 3], [renewals.rows[-1][0], 2, 1, 3]]
    pairs = [value for _label, value in debts.pairs]
    assert pairs == [3, 1, "33 %"]


def test_a_library_report_counts_that_library_only(organisation, library, links):
    from tests.factories import LibraryFactory

    ReminderFactory(link=links["vk"][0], sent_at=IN_PERIOD)
    other = LibraryFactory(organisation=organisation)
    sent, renewals, debts = _section(organisation, other)
    assert sent.rows == [] and renewals.rows == []
    assert debts.pairs[0][1] == 0 and debts.pairs[2][1] == "—"
    sent, _renewals, _debts = _section(organisation, library)
    assert sent.rows[-1][-1] == 1


def test_the_period_report_writes_the_section_in_every_format(organisation, admin, links):
    ReminderFactory(link=links["vk"][0], kind="overdue_first", sent_at=IN_PERIOD)
    report = report_save(
        organisation=organisation,
        actor=admin,
        title="Отчёт за 2026 год",
        date_from=date(2026, 1, 1),
        date_to=date(2026, 12, 31),
    )
    data = build_report(report)
    csv_text = report_csv(data).decode("utf-8-sig")
    assert "Напоминания читателям, 01.01.2026 – 31.12.2026" in csv_text
    assert "Долги, возвращённые после напоминания" in csv_text
    assert report_xlsx(data)[:2] == b"PK"
    document = Docx(io.BytesIO(report_docx(data)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(text.startswith("Продления книг онлайн") for text in headings)
