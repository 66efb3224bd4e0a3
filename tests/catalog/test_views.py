import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories.catalog import ImportRunFactory, MemorableDateFactory, RecordFactory
from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.catalog.models import MemorableDate, Record
from vitrina.core.roles import Role

from .marcdata import iso2709, rusmarc_record

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(f"catalog:{name}", kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def heart(organisation):
    return RecordFactory(
        organisation=organisation,
        bib=BibRecord(
            title="Хирургия сердца",
            other_title=["избранные труды"],
            authors=[Person("Бакулев", "А. Н.")],
            places=["Москва"],
            publishers=["Медицина"],
            year="1967",
            pages="432",
        ),
    )


def test_navigation_has_the_catalogue(admin_client, organisation):
    content = admin_client.get(url("list", organisation)).content.decode()
    assert f'href="{url("list", organisation)}" aria-current="page">Каталог</a>' in content


def test_list_and_search(admin_client, organisation, heart):
    RecordFactory(organisation=organisation, bib=BibRecord(title="Фармакология"))
    content = admin_client.get(url("list", organisation)).content.decode()
    assert "Хирургия сердца" in content and "Фармакология" in content
    assert "2 записи" in content
    content = admin_client.get(url("list", organisation), {"q": "хирургии"}).content.decode()
    assert "Хирургия сердца" in content and "Фармакология" not in content
    content = admin_client.get(url("list", organisation), {"author": "Бакулева"}).content.decode()
    assert "Хирургия сердца" in content
    content = admin_client.get(url("list", organisation), {"q": "астрономия"}).content.decode()
    assert "Ничего не найдено" in content


def test_list_query_count(admin_client, organisation, django_assert_max_num_queries):
    def queries(number):
        for index in range(number):
            RecordFactory(organisation=organisation, external_id=f"q{number}-{index}")
        with django_assert_max_num_queries(12) as captured:
            assert admin_client.get(url("list", organisation)).status_code == 200
        return len(captured.captured_queries)

    # The first page of an organisation stores it in the session; the lists are counted after.
    admin_client.get(url("list", organisation))
    assert queries(2) == queries(40)


def test_detail_shows_the_gost_description(admin_client, organisation, heart):
    content = admin_client.get(url("detail", organisation, record_id=heart.pk)).content.decode()
    assert (
        "Бакулев, А. Н. Хирургия сердца : избранные труды / А. Н. Бакулев. — Москва : Медицина, "
        "1967. — 432 с. — Текст : непосредственный." in content
    )
    assert "Бакулев А. Н. Хирургия сердца. — Москва, 1967" in content
    assert url("cover", organisation, record_id=heart.pk) in content


def test_generated_cover(admin_client, organisation, heart):
    response = admin_client.get(url("cover", organisation, record_id=heart.pk))
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (600, 900)


def test_import_page_and_report(admin_client, organisation, django_capture_on_commit_callbacks):
    assert admin_client.get(url("import", organisation)).status_code == 200
    good = iso2709(rusmarc_record(1, "Хирургия сердца", "Бакулев", "А. Н."), "cp1251")
    upload = SimpleUploadedFile("export.iso", good + b"abcde" + good[5:])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url("import", organisation), {"file": upload, "encoding": "", "flavour": ""}
        )
    assert response.status_code == 302
    report = admin_client.get(response["Location"]).content.decode()
    assert "export.iso" in report and "Завершён" in report
    assert "Повреждён маркер записи (первые 24 байта)." in report
    # The reader's own English words stay in the run, not on the Russian page.
    assert "the leader does not start with the record length" not in report
    assert "hx-trigger" not in report
    assert Record.objects.filter(organisation=organisation).count() == 1
    assert "export.iso" in admin_client.get(url("import", organisation)).content.decode()


def test_import_with_an_override_and_received_date(
    admin_client, organisation, django_capture_on_commit_callbacks
):
    data = iso2709(
        rusmarc_record(1, "Детская хирургия", "Баиров", "Г. А.", charset="    "), "cp866"
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url("import", organisation),
            {
                "file": SimpleUploadedFile("dos.iso", data),
                "encoding": "cp866",
                "flavour": "rusmarc",
                "received_on": "2026-11-01",
            },
        )
    record = Record.objects.get()
    assert record.title == "Детская хирургия"
    assert record.received_on.isoformat() == "2026-11-01"


def test_empty_import_shows_the_reason(admin_client, organisation):
    response = admin_client.post(
        url("import", organisation), {"file": SimpleUploadedFile("empty.iso", b"   ")}
    )
    assert response.status_code == 200
    assert "Файл пуст." in response.content.decode()


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ANALYST, Role.REFERENCE])
def test_only_admins_and_editors_import(client, organisation, member_factory, heart, role):
    client.force_login(member_factory(role=role).user)
    assert client.get(url("list", organisation)).status_code == 200
    assert client.get(url("detail", organisation, record_id=heart.pk)).status_code == 200
    assert client.get(url("import", organisation)).status_code == 403
    assert client.post(url("dates-starter", organisation)).status_code == 403
    assert client.post(url("cover-fetch", organisation, record_id=heart.pk)).status_code == 403


def test_editor_imports(client, organisation, member_factory):
    client.force_login(member_factory(role=Role.EDITOR).user)
    assert client.get(url("import", organisation)).status_code == 200


def test_a_running_import_polls_its_report(admin_client, organisation):
    run = ImportRunFactory(organisation=organisation, state="running")
    page = admin_client.get(url("import-detail", organisation, run_id=run.pk)).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Выполняется" in page
    fragment = admin_client.get(
        url("import-detail", organisation, run_id=run.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.startswith('<section id="import-report"') and "<html" not in fragment


def test_import_report_of_another_organisation_is_hidden(admin_client, organisation):
    other = ImportRunFactory()
    assert admin_client.get(url("import-detail", organisation, run_id=other.pk)).status_code == 404


def test_dates_page_starter_set_and_upcoming(admin_client, organisation):
    content = admin_client.get(url("dates", organisation)).content.decode()
    assert "Добавьте стартовый календарь" in content
    response = admin_client.post(url("dates-starter", organisation))
    assert response.status_code == 302
    assert MemorableDate.objects.filter(organisation=organisation).count() >= 200
    content = admin_client.get(url("dates", organisation)).content.decode()
    assert "Ближайшие 90 дней" in content
    content = admin_client.get(
        url("dates", organisation), {"q": "Туснолобова", "kind": "person"}
    ).content.decode()
    assert "23.05.1920" in content


def test_dates_page_lists_a_round_anniversary(admin_client, organisation):
    from django.utils import timezone

    # A day soon, never 29 February, so the anniversary exists fifty or a hundred years back.
    today = timezone.localdate() + datetime.timedelta(days=2)
    if (today.month, today.day) == (2, 29):
        today += datetime.timedelta(days=1)
    MemorableDateFactory(
        organisation=organisation,
        title="Юбиляр",
        year=today.year - 100,
        month=today.month,
        day=today.day,
    )
    MemorableDateFactory(
        organisation=organisation, title="Год известен", year=today.year - 50, month=None, day=None
    )
    content = admin_client.get(url("dates", organisation)).content.decode()
    assert "100 лет со дня рождения:" in content and "Юбиляр" in content
    assert "Юбилей" in content
    dated, undated = content.split("Годовщины года, известные без точного дня")
    assert "Юбиляр" in dated and "Год известен" not in dated
    assert f"В течение {today.year} года" in undated and "Год известен" in undated


def test_dates_import(admin_client, organisation):
    csv_text = (
        "Тип;Название;Дата\nперсона;Бакулев Александр Николаевич;07.12.1890\nперсона;Ошибка;вчера\n"
    )
    response = admin_client.post(
        url("dates-import", organisation),
        {"file": SimpleUploadedFile("dates.csv", csv_text.encode("cp1251"))},
        follow=True,
    )
    content = response.content.decode()
    assert "Дат добавлено: 1, обновлено: 0, не прочитано: 1." in content
    assert "Строка 3" in content
    assert MemorableDate.objects.get(organisation=organisation).day == 7


def test_add_edit_and_delete_a_date(admin_client, organisation):
    response = admin_client.post(
        url("date-create", organisation),
        {"kind": "person", "title": "Бакулев Александр Николаевич", "date": "07.12.1890",
         "end": "31.03.1967", "description": "кардиохирург"},
    )  # fmt: skip
    assert response.status_code == 302
    date = MemorableDate.objects.get(organisation=organisation)
    assert (date.year, date.month, date.day, date.end_year) == (1890, 12, 7, 1967)
    page = admin_client.get(url("date-edit", organisation, date_id=date.pk)).content.decode()
    assert 'value="07.12.1890"' in page
    admin_client.post(
        url("date-edit", organisation, date_id=date.pk),
        {"kind": "person", "title": "Бакулев Александр Николаевич", "date": "1890"},
    )
    date.refresh_from_db()
    assert (date.year, date.month, date.day, date.end_year) == (1890, None, None, None)
    admin_client.post(url("date-delete", organisation, date_id=date.pk))
    assert not MemorableDate.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "person", "title": "X", "date": "вчера"}, "Введите дату вида 07.12.1890"),
        ({"kind": "person", "title": "X", "date": ""}, "Введите дату или хотя бы год."),
        ({"kind": "day", "title": "X", "date": ""}, "Введите день и месяц, например 07.04."),
        ({"kind": "person", "title": "Дубль", "date": "1900"}, "уже есть дата с таким названием"),
    ],
)
def test_date_form_errors(admin_client, organisation, data, message):
    MemorableDateFactory(organisation=organisation, title="Дубль")
    response = admin_client.post(url("date-create", organisation), data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_day_kept_by_a_rule_keeps_it(admin_client, organisation):
    date = MemorableDateFactory(
        organisation=organisation, kind="day", title="День медицинского работника",
        year=None, month=None, day=None, rule_month=6, rule_weekday=6, rule_nth=3,
    )  # fmt: skip
    admin_client.post(
        url("date-edit", organisation, date_id=date.pk),
        {"kind": "day", "title": "День медицинского работника", "date": "", "description": "x"},
    )
    date.refresh_from_db()
    assert (date.rule_month, date.rule_weekday, date.rule_nth, date.description) == (6, 6, 3, "x")


def test_authors_cannot_edit_dates(client, organisation, member_factory):
    date = MemorableDateFactory(organisation=organisation)
    client.force_login(member_factory(role=Role.AUTHOR).user)
    assert client.get(url("date-edit", organisation, date_id=date.pk)).status_code == 403
    assert client.post(url("date-delete", organisation, date_id=date.pk)).status_code == 403


def test_export_a_list_of_literature(admin_client, organisation, heart):
    from docx import Document

    RecordFactory(
        organisation=organisation,
        bib=BibRecord(title="Анатомия человека", authors=[Person("Сапин", "М. Р.")], year="2020"),
    )
    RecordFactory(bib=BibRecord(title="Хирургия другой организации"))
    response = admin_client.get(url("export-docx", organisation))
    assert response["Content-Disposition"].endswith('.docx"')
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert paragraphs[0] == "Список литературы"
    assert paragraphs[2:] == [
        "1. Бакулев, А. Н. Хирургия сердца : избранные труды / А. Н. Бакулев. — Москва : "
        "Медицина, 1967. — 432 с. — Текст : непосредственный.",
        "2. Сапин, М. Р. Анатомия человека / М. Р. Сапин. — 2020. — Текст : непосредственный.",
    ]
    text = admin_client.get(url("export-text", organisation), {"q": "хирургии"}).content.decode()
    assert text == "1. Бакулев А. Н. Хирургия сердца. — Москва, 1967\n"


def test_list_offers_the_exports(admin_client, organisation, heart):
    content = admin_client.get(url("list", organisation), {"q": "сердца"}).content.decode()
    assert f"{url('export-docx', organisation)}?q=%D1%81%D0%B5%D1%80%D0%B4%D1%86%D0%B0" in content
    assert "Текст для поста" in content


def test_column_names_of_the_library_system_are_kept_and_used(
    admin_client, organisation, django_capture_on_commit_callbacks
):
    from vitrina.core.models import AuditEntry

    csv_data = "Назв. книги;Авт.;Год изд.\nХирургия сердца;Бакулев А. Н.;1950\n".encode("cp1251")

    def upload(name):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                url("import", organisation),
                {"file": SimpleUploadedFile(name, csv_data), "encoding": "", "flavour": ""},
            )
        return admin_client.get(response["Location"]).content.decode()

    upload("first.csv")
    assert not Record.objects.filter(organisation=organisation).exists()  # no title column

    response = admin_client.post(
        url("columns", organisation),
        {"title": "Назв. книги", "authors": "Авт.", "year": "Год изд."},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="catalogue.columns_changed").exists()
    upload("second.csv")
    record = Record.objects.get(organisation=organisation)
    assert record.title == "Хирургия сердца" and record.year == 1950
    assert "Бакулев" in record.authors


def test_one_column_name_for_two_fields_is_refused(admin_client, organisation):
    response = admin_client.post(
        url("columns", organisation), {"title": "Название", "series": "название"}
    )
    assert response.status_code == 200
    assert "указан для двух полей" in response.content.decode()
