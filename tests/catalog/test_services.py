import io

import pytest
from openpyxl import Workbook

from tests.factories.catalog import RecordFactory
from vitrina.catalog.models import ImportRun, MemorableDate, Record
from vitrina.catalog.services import covers as cover_services
from vitrina.catalog.services import dates as date_services
from vitrina.catalog.services import imports as import_services
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import AuditEntry

from .http_doubles import Double
from .marcdata import iso2709, marc21_record, rusmarc_record
from .test_covers import CoverHandler

pytestmark = pytest.mark.django_db


def books_file(encoding="cp1251", charset="89  ", titles=None):
    titles = titles or ["Очерки гнойной хирургии", "Хирургия сердца", "Детская хирургия"]
    authors = [("Войно-Ясенецкий", "В. Ф."), ("Бакулев", "А. Н."), ("Баиров", "Г. А.")]
    return b"".join(
        iso2709(
            rusmarc_record(number, title, *authors[number - 1], charset=charset),
            encoding,
        )
        for number, title in enumerate(titles, start=1)
    )


def run_import(organisation, admin, data, filename="export.iso", **kwargs):
    return import_services.record_import(
        organisation=organisation, actor=admin, filename=filename, data=data, **kwargs
    )


def test_import_marc_file(organisation, admin):
    good = books_file()
    broken = b"1x345" + good[5:200] + b"\x1d"
    run = run_import(organisation, admin, good + broken)
    assert (run.total, run.created, run.updated, run.failed) == (4, 3, 0, 1)
    assert run.state == ImportRun.State.DONE and run.encoding == "cp1251"
    assert run.errors == [
        {
            "number": 4,
            "offset": len(good),
            "code": "leader",
            "reason": "the leader does not start with the record length",
        }
    ]
    record = Record.objects.get(organisation=organisation, external_id="RU/KNMB/2")
    assert record.title == "Хирургия сердца"
    assert record.authors == "Бакулев А. Н."
    assert record.year == 2020
    assert record.isbn == "9785000000020"
    assert record.received_on.isoformat() == "2020-01-01"
    assert record.description.startswith(
        "Бакулев, А. Н. Хирургия сердца : учебник / А. Н. Бакулев."
    )
    entry = AuditEntry.objects.get(action="catalogue.imported")
    assert entry.changes == {"source": "file", "created": 3, "updated": 0, "failed": 1}


def test_reimport_updates_instead_of_duplicating(organisation, admin):
    run_import(organisation, admin, books_file())
    changed = books_file(
        titles=["Очерки гнойной хирургии", "Хирургия сердца. 2-е изд.", "Детская хирургия"]
    )
    run = run_import(organisation, admin, changed)
    assert (run.created, run.updated) == (0, 3)
    assert Record.objects.filter(organisation=organisation).count() == 3
    assert Record.objects.get(external_id="RU/KNMB/2").title == "Хирургия сердца. 2-е изд."


def test_reimport_keeps_the_cover(organisation, admin):
    run_import(organisation, admin, books_file())
    Record.objects.filter(external_id="RU/KNMB/1").update(
        cover="catalogue/covers/1.png", cover_type="image/png"
    )
    run_import(organisation, admin, books_file())
    record = Record.objects.get(external_id="RU/KNMB/1")
    assert (record.cover.name, record.cover_type) == ("catalogue/covers/1.png", "image/png")


def test_other_organisations_keep_their_own_copies(organisation, admin):
    other = RecordFactory(external_id="RU/KNMB/1").organisation
    run = run_import(organisation, admin, books_file())
    assert run.created == 3
    assert Record.objects.filter(organisation=other).count() == 1


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "cp866"])
def test_import_each_encoding_and_override(organisation, admin, encoding):
    data = books_file(encoding=encoding, charset="    ")
    run = run_import(organisation, admin, data, encoding=encoding)
    assert run.encoding == encoding
    assert Record.objects.filter(title="Детская хирургия").exists()


def test_import_marcxml_marc21(organisation, admin):
    from .marcdata import marcxml

    data = marcxml([marc21_record(1, "Мастер и Маргарита", "Булгаков, Михаил Афанасьевич")])
    run = run_import(organisation, admin, data, filename="books.xml")
    assert run.created == 1
    assert Record.objects.get().authors == "Булгаков М. А."


def test_import_csv_and_xlsx(organisation, admin):
    csv_text = (
        "Инв. номер;Заглавие;Авторы;Место;Издательство;Год;Страницы;ISBN;Рубрики;Дата поступления\n"
        "101;Анатомия человека;Сапин М. Р.; Москва;ГЭОТАР-Медиа;2020;528;978-5-9704-5430-5;"
        "Анатомия;15.10.2026\n"
        ";;;;;;;;;\n"
        "102;;Без заглавия;;;;;;;\n"
    )
    run = run_import(organisation, admin, csv_text.encode("cp1251"), filename="list.csv")
    assert (run.total, run.created, run.failed) == (2, 1, 1)
    assert run.errors[0]["number"] == 4
    record = Record.objects.get(external_id="101")
    assert record.description == (
        "Сапин, М. Р. Анатомия человека / М. Р. Сапин. — Москва : ГЭОТАР-Медиа, 2020. — 528 с. "
        "— ISBN 978-5-9704-5430-5. — Текст : непосредственный."
    )
    assert record.received_on.isoformat() == "2026-10-15"

    workbook = Workbook()
    workbook.active.append(["title", "authors", "year", "subjects"])
    workbook.active.append(["Хирургия сердца", "Бакулев, А. Н.", 1967, "Кардиохирургия"])
    out = io.BytesIO()
    workbook.save(out)
    run = run_import(organisation, admin, out.getvalue(), filename="list.xlsx")
    assert run.created == 1 and run.file_format == "xlsx"
    assert Record.objects.get(title="Хирургия сердца").subjects == ["Кардиохирургия"]


def test_import_refuses_bad_input(organisation, admin):
    with pytest.raises(ServiceError):
        run_import(organisation, admin, b"   ")
    with pytest.raises(ServiceError):
        run_import(organisation, admin, books_file(), encoding="koi8-r")
    assert not ImportRun.objects.exists()


def test_cover_fetch(organisation, admin, settings):
    server = Double(CoverHandler).start()
    try:
        record = RecordFactory(organisation=organisation)
        with pytest.raises(ServiceError, match="not a public address"):
            cover_services.record_cover_fetch(
                record=record, actor=admin, url=f"{server.url}/cover.png"
            )
        settings.CATALOG_COVER_ALLOW_PRIVATE = True
        cover_services.record_cover_fetch(record=record, actor=admin, url=f"{server.url}/cover.png")
        record.refresh_from_db()
        assert record.cover.name.endswith(".png") and record.cover_type == "image/png"
        with pytest.raises(ServiceError):
            cover_services.record_cover_fetch(
                record=record, actor=admin, url=f"{server.url}/page.html"
            )
    finally:
        server.stop()


def test_starter_set_is_loaded_once(organisation, admin):
    created = date_services.memorable_date_load_starter_set(organisation=organisation, actor=admin)
    assert created >= 200
    assert (
        date_services.memorable_date_load_starter_set(organisation=organisation, actor=admin) == 0
    )
    bakulev = MemorableDate.objects.get(organisation=organisation, title__startswith="Бакулев")
    assert (bakulev.year, bakulev.month, bakulev.day) == (1890, 12, 7)
    health_day = MemorableDate.objects.get(title="Всемирный день здоровья")
    assert (health_day.rule_month, health_day.rule_day, health_day.since) == (4, 7, 1950)


def test_memorable_date_import_updates_by_title(organisation, admin):
    date_services.memorable_date_load_starter_set(organisation=organisation, actor=admin)
    csv_text = (
        "kind,title,date,description\n"
        "person,Бакулев Александр Николаевич,1890-12-07,кардиохирург из Кузбасской выставки\n"
        "person,Новая персона,1926,\n"
        "person,Ошибка,вчера,\n"
    )
    result = date_services.memorable_date_import(
        organisation=organisation, actor=admin, filename="dates.csv", data=csv_text.encode()
    )
    assert (result.created, result.updated, len(result.errors)) == (1, 1, 1)
    assert MemorableDate.objects.get(title__startswith="Бакулев").description.startswith(
        "кардиохирург"
    )
    with pytest.raises(ServiceError):
        date_services.memorable_date_import(
            organisation=organisation, actor=admin, filename="dates.json", data=b"{broken"
        )
