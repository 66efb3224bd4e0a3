"""The demo's report of this year (ЦБС Медногорска, figures collected from the sandbox) is
a finished document, read back from the files: an A4 Word document with its heading,
numbered pages, Russian figures, native charts and a signature block; a workbook with real
numbers and dates in Russian formats and native charts; a CSV Russian Excel opens."""

import csv
import io
import re
import zipfile
from datetime import datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.analytics.test_seed_report import sections
from vitrina.analytics.collect import collect_and_record, collectable_channels
from vitrina.analytics.export import report_csv, report_docx, report_xlsx
from vitrina.analytics.models import Report
from vitrina.analytics.report import build_report

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
GROUPED = re.compile(rf"^\d{{1,3}}({NBSP}\d{{3}})+$")


@pytest.fixture
def year_report(demo):
    for channel in collectable_channels():
        collect_and_record(channel)
    report = Report.objects.get(organisation__slug="mednogorsk")
    data = build_report(report)
    return report, data, report_docx(data), report_xlsx(data), report_csv(data)


def test_the_word_document_is_a_finished_a4_report(year_report):
    report, _data, docx_bytes, _xlsx, _csv = year_report
    word = Document(io.BytesIO(docx_bytes))
    page = word.sections[0]
    size = [round(length.mm) for length in (page.page_width, page.page_height)]
    margins = [round(length.mm) for length in (page.left_margin, page.right_margin)]
    assert (size, margins) == ([210, 297], [30, 15])  # A4, ГОСТ Р 7.0.97 margins
    texts = [paragraph.text for paragraph in word.paragraphs]
    year = report.date_from.year
    assert texts[0] == f"Работа ЦБС Медногорска в социальных сетях в {year} году"
    assert texts[1] == f"ЦБС Медногорска · 01.01.{year} – 31.12.{year}"
    assert texts[2].startswith("Сформировано ")
    # Pages numbered by Word's own field in the footer.
    footer = page.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer

    table1 = word.tables[0]
    header = [cell.text for cell in table1.rows[0].cells]
    assert header[5:8] == ["Друзья / подписчики", "Посещения", "Виды контента"]
    rows = [[cell.text for cell in row.cells] for row in table1.rows[1:]]
    # Every column filled: a count, or «нет данных» with the reason under the table.
    assert all(all(row) for row in rows)
    assert any(row[5] == "нет данных" for row in rows)
    assert any(row[5] not in ("", "нет данных") for row in rows)
    assert any(
        text.startswith("«нет данных» у канала") and "только группам" in text for text in texts
    )
    published = [row for row in rows if row[3] != "0"]
    assert published and all(row[7] for row in published)  # the kinds actually published

    figures = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert any(GROUPED.match(text) for text in figures), "thousands grouped: 1 014"
    assert any(re.fullmatch(r"\d+,\d", text) for text in figures), "a decimal comma: 0,2"
    assert f"январь {year}" in figures and f"декабрь {year}" in figures
    assert not any(re.fullmatch(r"\d{4}-\d{2}", text) for text in figures)

    # Best materials are named by words and linked to the posts.
    best = next(table for table in word.tables if table.rows[0].cells[0].text == "Пост")
    names = [row.cells[0].text for row in best.rows[1:]]
    assert names and not any(name.isdigit() for name in names)
    assert best.rows[1].cells[0]._tc.xpath(".//w:hyperlink")

    # Native charts: chart parts related from the document, each with its workbook.
    charts = [rel for rel in word.part.rels.values() if rel.reltype == CHART]
    assert len(charts) >= 3
    archive = zipfile.ZipFile(io.BytesIO(docx_bytes))
    names = archive.namelist()
    assert "word/charts/chart1.xml" in names
    assert any(name.startswith("word/embeddings/") for name in names)
    chart_xml = archive.read("word/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart_xml and "<c:numCache>" in chart_xml
    assert any(text.startswith("Рисунок 1 – ") for text in texts)

    # The librarian's conclusions and the signature block.
    assert "Выводы" in texts and report.conclusions.splitlines()[0] in texts
    signature = [cell.text for cell in word.tables[-1].rows[0].cells]
    assert signature[0] == "Директор ЦБС Медногорска"
    assert signature[2] == "С. А. Филиалова"


def test_the_workbook_has_real_numbers_dates_and_native_charts(year_report):
    report, _data, _docx, xlsx, _csv = year_report
    sheet = load_workbook(io.BytesIO(xlsx)).active
    tables = sections(sheet)
    year = report.date_from.year
    months = tables["Публикации и просмотры по месяцам"]
    assert [row[0] for row in months[1:13]] == [datetime(year, m, 1) for m in range(1, 13)]
    networks = tables["Итоги по сетям"]
    totals = dict(zip(networks[0], networks[-1], strict=False))
    # The totals reconcile in the file itself: by network = by month = by kind.
    assert totals["Сеть"] == "Итого"
    assert totals["Публикации"] == months[-1][1] == tables["Виды контента"][-1][1]
    assert totals["Просмотры"] == months[-1][2] == tables["Виды контента"][-1][2]
    assert totals["Публикации"] == sum(row[1] for row in networks[1:-1])

    by_format = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, int | float | datetime):
                by_format.setdefault(cell.number_format, type(cell.value))
    assert {"#,##0", "#,##0.0", "DD.MM.YYYY", "[$-419]MMMM YYYY"} <= by_format.keys()
    kinds = {type(chart).__name__ for chart in sheet._charts}
    assert kinds == {"BarChart", "LineChart"} and len(sheet._charts) >= 3
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4


def test_the_csv_opens_in_russian_excel(year_report):
    _report, data, _docx, _xlsx, csv_bytes = year_report
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    table1 = next(i for i, row in enumerate(rows) if row[:1] and row[0].startswith("Таблица 1"))
    body = rows[table1 + 2 : table1 + 2 + len(data.channels)]
    weekly = [row[4] for row in body]
    assert all(re.fullmatch(r"\d+,\d", value) for value in weekly)  # 0,2, not 0.2
    counts = [row[5] for row in body if row[5] != "нет данных"]
    assert counts and all(value.isdigit() for value in counts)  # 1014, ungrouped: a number
