"""The report and figures pages, as people use them."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import Workbook, load_workbook

from vitrina.analytics.models import AccountSnapshot, Report, Source
from vitrina.analytics.services.reports import report_save
from vitrina.core.models import AuditEntry
from vitrina.core.roles import Role

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(f"analytics:{name}", kwargs={"org": organisation.slug, **kwargs})


def test_a_report_is_created_read_and_exported(admin_client, organisation, library, channel):
    response = admin_client.post(
        url("report-create", organisation),
        {
            "title": "Отчёт за 2025 год",
            "date_from": "2025-01-01",
            "date_to": "2025-12-31",
            "library": library.pk,
            "conclusions": "Подписчиков стало больше.\nВ планах — опросы.",
        },
    )
    report = Report.objects.get(organisation=organisation)
    assert response.status_code == 302
    page = admin_client.get(url("report", organisation, report_id=report.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Таблица 1" in text and channel.name in text and "В планах — опросы." in text

    xlsx = admin_client.get(url("report-xlsx", organisation, report_id=report.pk))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Отчёт за 2025 год"
    docx = admin_client.get(url("report-docx", organisation, report_id=report.pk))
    assert docx.content[:2] == b"PK"
    csv = admin_client.get(url("report-csv", organisation, report_id=report.pk))
    assert "Подписчиков стало больше." in csv.content.decode("utf-8-sig")


def test_a_period_ending_before_it_starts_is_refused(admin_client, organisation):
    response = admin_client.post(
        url("report-create", organisation),
        {"title": "Отчёт", "date_from": "2025-12-31", "date_to": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "Конец периода раньше его начала." in response.content.decode()
    assert not Report.objects.exists()


def test_an_analyst_reads_reports_but_does_not_edit_them(
    client, organisation, member_factory, admin
):
    report = report_save(
        organisation=organisation,
        actor=admin,
        title="Отчёт",
        date_from=date(2025, 1, 1),
        date_to=date(2025, 12, 31),
    )
    client.force_login(member_factory(role=Role.ANALYST).user)
    assert client.get(url("report", organisation, report_id=report.pk)).status_code == 200
    assert client.get(url("report-edit", organisation, report_id=report.pk)).status_code == 403


def test_the_conclusions_and_signature_are_edited_on_the_report_page(
    admin_client, client, organisation, member_factory, admin
):
    report = report_save(
        organisation=organisation,
        actor=admin,
        title="Отчёт",
        date_from=date(2025, 1, 1),
        date_to=date(2025, 12, 31),
    )
    page = url("report", organisation, report_id=report.pk)
    wording = {
        "conclusions": "Опросы работают.",
        "signer_position": " Директор ЦБС ",
        "signer_name": "С. А. Иванова",
    }
    assert admin_client.post(page, wording).status_code == 302
    report.refresh_from_db()
    assert (report.conclusions, report.signer_position, report.signer_name) == (
        "Опросы работают.",
        "Директор ЦБС",
        "С. А. Иванова",
    )
    assert AuditEntry.objects.filter(action="analytics.report_updated").exists()
    docx = Document(
        io.BytesIO(admin_client.get(url("report-docx", organisation, report_id=report.pk)).content)
    )
    signature = [cell.text for cell in docx.tables[-1].rows[0].cells]
    assert signature[0] == "Директор ЦБС" and signature[2] == "С. А. Иванова"

    # Too long a name is refused in plain Russian, and nothing changes.
    refused = admin_client.post(page, {**wording, "signer_name": "И" * 201})
    assert refused.status_code == 400
    assert "не более 200 символов" in refused.content.decode()
    report.refresh_from_db()
    assert report.signer_name == "С. А. Иванова"

    # An analyst reads the report but may not change its wording.
    client.force_login(member_factory(role=Role.ANALYST).user)
    assert "Сохранить выводы и подпись" not in client.get(page).content.decode()
    assert client.post(page, {**wording, "conclusions": "Чужие слова"}).status_code == 403
    report.refresh_from_db()
    assert report.conclusions == "Опросы работают."


def test_a_member_limited_to_a_library_sees_only_its_reports(
    client, organisation, library, member_factory, admin
):
    from tests.factories import LibraryFactory

    other = LibraryFactory(organisation=organisation, name="Другая")
    mine = report_save(
        organisation=organisation,
        actor=admin,
        title="Наш отчёт",
        date_from=date(2025, 1, 1),
        date_to=date(2025, 12, 31),
        library=library,
    )
    theirs = report_save(
        organisation=organisation,
        actor=admin,
        title="Чужой отчёт",
        date_from=date(2025, 1, 1),
        date_to=date(2025, 12, 31),
        library=other,
    )
    client.force_login(member_factory(role=Role.ANALYST, libraries=[library]).user)
    listing = client.get(url("reports", organisation)).content.decode()
    assert mine.title in listing and theirs.title not in listing
    assert client.get(url("report", organisation, report_id=theirs.pk)).status_code == 404


def test_the_report_list_takes_the_same_queries_for_many_reports(
    admin_client, organisation, admin, django_assert_max_num_queries
):
    def add(count):
        for number in range(count):
            report_save(
                organisation=organisation,
                actor=admin,
                title=f"Отчёт {number}",
                date_from=date(2025, 1, 1),
                date_to=date(2025, 12, 31),
            )

    add(1)
    with django_assert_max_num_queries(20) as few:
        admin_client.get(url("reports", organisation))
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url("reports", organisation))


def test_figures_are_entered_by_hand(admin_client, organisation, channel):
    response = admin_client.post(
        url("figures", organisation, channel_id=channel.pk),
        {"day-day": "2025-03-01", "day-followers": "1200", "day-visitors": "15"},
    )
    assert response.status_code == 302
    snapshot = AccountSnapshot.objects.get(channel=channel)
    assert (snapshot.followers, snapshot.visitors, snapshot.source) == (1200, 15, Source.MANUAL)
    channel.refresh_from_db()
    assert channel.subscribers == 1200


def test_an_import_reports_broken_rows_and_keeps_the_rest(admin_client, organisation, channel):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Дата", "Подписчики", "Посетители"])
    sheet.append([date(2025, 3, 1), 1000, 12])
    sheet.append(["вчера", 1001, 10])
    sheet.append(["03.03.2025", "много", 9])
    sheet.append(["04.03.2025", 1010, 11])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "figures.xlsx"
    response = admin_client.post(
        url("figures", organisation, channel_id=channel.pk), {"file-file": buffer}, follow=True
    )
    text = response.content.decode()
    assert "Строка 3" in text and "Строка 4" in text
    days = AccountSnapshot.objects.filter(channel=channel, source=Source.IMPORT)
    assert sorted(days.values_list("followers", flat=True)) == [1000, 1010]
    # Importing again changes nothing.
    buffer.seek(0)
    admin_client.post(url("figures", organisation, channel_id=channel.pk), {"file-file": buffer})
    assert AccountSnapshot.objects.filter(channel=channel).count() == 2


def test_a_reader_of_figures_cannot_enter_them(client, organisation, channel, member_factory):
    client.force_login(member_factory(role=Role.ANALYST).user)
    page = url("figures", organisation, channel_id=channel.pk)
    assert client.get(page).status_code == 200
    assert client.post(page, {"day-day": "2025-03-01", "day-followers": "5"}).status_code == 404
    assert not AccountSnapshot.objects.exists()
