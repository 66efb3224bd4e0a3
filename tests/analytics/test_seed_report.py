"""The demo reproduces KNMB's 2020 report (seed 001), read back from the exported files."""

import csv
import io
from datetime import datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from vitrina.analytics.export import report_csv, report_docx, report_xlsx
from vitrina.analytics.models import Report
from vitrina.analytics.report import build_report
from vitrina.channels.models import Channel
from vitrina.demo.build import build_demo

pytestmark = pytest.mark.django_db

EXHIBITIONS = {
    "Знаменательные даты в медицине": 3742,
    "Ультразвуковая диагностика: новые книги по вопросам УЗИ, поступившие в КНМБ в 2020 году": 562,
    "COVID-19: этиология, патогенез, диагностика и лечение": 486,
    "Галерея новинок: книги, поступившие в КНМБ в ноябре 2020 года": 418,
    "Медики в годы ВОВ": 683,
}


@pytest.fixture
def demo_report(db, settings):
    settings.DEMO_MODE = True
    build_demo()
    data = build_report(Report.objects.get(organisation__slug="knmb"))
    return data, (report_xlsx(data), report_docx(data), report_csv(data))


def sections(sheet) -> dict[str, list[tuple]]:
    """The sheet's tables by title: a title row, a header row, then rows until a blank one."""
    rows = list(sheet.iter_rows(values_only=True))
    found, index = {}, 1
    while index < len(rows):
        if rows[index][0] and index + 1 < len(rows) and all(v is None for v in rows[index][1:]):
            title, body = rows[index][0], []
            index += 1
            while index < len(rows) and any(v is not None for v in rows[index]):
                body.append(rows[index])
                index += 1
            found[title] = body
        index += 1
    return found


def test_the_exported_xlsx_shows_the_seed_figures(demo_report):
    _data, (xlsx, _docx, _csv) = demo_report
    workbook = load_workbook(io.BytesIO(xlsx))
    sheet = workbook.active
    tables = sections(sheet)

    table1 = next(body for title, body in tables.items() if title.startswith("Таблица 1"))
    by_address = {row[1].split("\n")[-1]: row for row in table1[1:] if row[1]}
    page, group = by_address["https://vk.com/id547852393"], by_address["https://vk.com/medlib42"]
    created = datetime(2019, 6, 6)  # a date, shown as 06.06.2019
    assert (page[2], page[4], page[5], page[6]) == (created, 7.0, 2025, 2239)
    assert (group[2], group[4], group[5], group[6]) == (created, 4.5, 490, 1386)
    assert "Виртуальные выставки" in page[7] or "Виртуальные выставки" in group[7]

    totals = {row[0]: row for row in tables["Итоги по сетям"][1:]}
    vk = totals["ВКонтакте"]
    header = tables["Итоги по сетям"][0]
    vk = dict(zip(header, vk, strict=True))
    assert vk["Публикации"] == 65
    assert vk["Добавлено друзей"] == 1195
    assert vk["Просмотры"] == 27007
    assert vk["Посетителей в день"] == 9.9

    series = {row[0]: row for row in tables["Виртуальные выставки и проекты"][1:]}
    for name, views in EXHIBITIONS.items():
        assert series[name][2] == views
    assert series["Итого"][2:5] == (5891, 191, 13)
    assert series["Знаменательные даты в медицине"][1] == 25

    best = tables["Лучшие материалы"][1:]
    assert "Туснолобовой-Марченко" in best[1][0] and best[1][3] > 1000
    assert "Бакулева" in best[0][0] and best[0][3] > 1200

    growth = {row[0]: row for row in tables["Рост числа подписчиков"][1:]}
    page_growth = growth[Channel.objects.get(url="https://vk.com/id547852393").name]
    assert page_growth[1] == datetime(2020, 3, 15)
    assert page_growth[5] == "×3,5"

    assert sheet._charts, "the sheet carries a native chart"
    assert any("3,5 раза" in str(row[0] or "") for row in sheet.iter_rows(values_only=True))


def test_docx_and_csv_carry_the_same_tables(demo_report):
    _data, (_xlsx, docx_bytes, csv_bytes) = demo_report
    document = Document(io.BytesIO(docx_bytes))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    # Digits grouped by three with a no-break space, a decimal comma.
    assert {"27\u00a0007", "5\u00a0891", "1\u00a0195", "9,9"} <= cells
    assert any("3,5 раза" in paragraph.text for paragraph in document.paragraphs)
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    assert any(row[:1] == ["ВКонтакте"] and "27007" in row for row in rows)


def test_the_registry_is_filled_from_the_snapshots(demo_report):
    page = Channel.objects.get(url="https://vk.com/id547852393")
    group = Channel.objects.get(url="https://vk.com/medlib42")
    assert (page.subscribers, page.visits, str(page.posts_per_week)) == (2025, 2239, "7.0")
    assert (group.subscribers, group.visits, str(group.posts_per_week)) == (490, 1386, "4.5")
    assert page.stats_updated_at is not None
