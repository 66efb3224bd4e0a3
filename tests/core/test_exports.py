"""The export layer: one document written as XLSX, DOCX, CSV and a page's HTML, with the
same cell rules (Russian formats, formula-safe text, numbers as numbers, dates as dates),
and the registry through which modules offer documents and add to each other's."""

import csv
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import render_to_string
from docx import Document as WordDocument
from openpyxl import load_workbook

from vitrina.core.exports import registry
from vitrina.core.exports.cells import csv_value, display, formula_safe
from vitrina.core.exports.csv_writer import write_csv
from vitrina.core.exports.docx_writer import write_docx
from vitrina.core.exports.formats import response
from vitrina.core.exports.html import page_sections
from vitrina.core.exports.sections import (
    CSV,
    DOCX,
    XLSX,
    Cell,
    Chart,
    Column,
    Document,
    Entries,
    KeyValues,
    Kind,
    Meta,
    Paragraphs,
    Table,
)
from vitrina.core.exports.xlsx_writer import write_xlsx
from vitrina.core.roles import Role

DANGEROUS = [
    "=1+2",
    "+7 (3842) 52-19-91",
    "-5 °C за окном",
    "@SUM(A1)",
    "\tтаб",
    "\rвозврат",
    '  =HYPERLINK("http://x","x")',  # spaces first: a spreadsheet still reads a formula
]
NBSP = "\u00a0"
MADE = date(2025, 3, 12)
MEMBER = SimpleNamespace(is_active=True, role=Role.ADMIN)  # enough for the rules


def figures_table(**options) -> Table:
    return Table(
        heading="Показатели",
        columns=[
            Column("Текст"),
            Column("Число", Kind.INTEGER),
            Column("Дробное", Kind.DECIMAL, places=2),
            Column("Доля", Kind.PERCENT),
            Column("Дата", Kind.DATE),
            Column("Ссылка", Kind.LINK),
            Column("Год", Kind.INTEGER, grouped=False),
        ],
        rows=[
            [
                "Библиотека",
                27007,
                Decimal("1234.5"),
                0.125,
                date(2021, 12, 31),
                Cell("Пост", link="https://vk.com/wall-1_2"),
                2020,
            ],
            ["Отметка", Cell(490, marked=True), -1.5, 1, datetime(2021, 1, 5, 10), "", 1999],
        ],
        **options,
    )


def sample(*sections, **meta) -> Document:
    return Document(
        title="Отчёт за 2021 год",
        meta=Meta(owner="ЦБС Медногорска", made_on=MADE, **meta),
        sections=list(sections),
    )


def dangerous_document() -> Document:
    return sample(
        Table(
            heading='=HYPERLINK("http://evil")',
            columns=[Column("=Заголовок"), Column("Число", Kind.INTEGER)],
            rows=[[text, -5] for text in DANGEROUS],
        ),
        Paragraphs(heading="Выводы", lines=["-рост подписчиков", "обычная строка"]),
        KeyValues(pairs=[("+Ключ", "=значение")]),
        Entries(items=["@запись"]),
    )


# ---------------------------------------------------------------- the cell rules


def test_text_that_a_spreadsheet_reads_as_a_formula_gets_an_apostrophe():
    for text in DANGEROUS:
        assert formula_safe(text) == f"'{text}"
    assert formula_safe("Библиотека = дом книги") == "Библиотека = дом книги"
    assert formula_safe("") == ""


def test_values_read_in_russian():
    # Digits in groups of three with a no-break space, a decimal comma; years ungrouped.
    assert display(1234.56, Column("", Kind.DECIMAL)) == f"1{NBSP}234,6"
    assert display(Decimal("4.50"), Column("", Kind.DECIMAL, places=2)) == "4,50"
    assert display(-0.04, Column("", Kind.DECIMAL)) == "0,0"
    assert display(0.125, Column("", Kind.PERCENT)) == f"12,5{NBSP}%"
    assert display(27007, Column("", Kind.INTEGER)) == f"27{NBSP}007"
    assert display(1014, Column("", Kind.INTEGER)) == f"1{NBSP}014"
    assert display(-1234567, Column("", Kind.INTEGER)) == f"-1{NBSP}234{NBSP}567"
    assert display(2020, Column("", Kind.INTEGER, grouped=False)) == "2020"
    assert display(0.2, Column("", Kind.DECIMAL)) == "0,2"
    assert display(date(2026, 1, 1), Column("", Kind.MONTH)) == "январь 2026"
    assert display(date(2026, 12, 1), Column("", Kind.MONTH)) == "декабрь 2026"
    # A CSV keeps numbers ungrouped, so that Russian Excel reads them back as numbers.
    assert csv_value(27007, Column("", Kind.INTEGER)) == "27007"
    assert csv_value(1234.56, Column("", Kind.DECIMAL)) == "1234,6"
    assert display(date(2021, 1, 5), Column("", Kind.DATE)) == "05.01.2021"
    assert display(None, Column("", Kind.INTEGER)) == ""
    assert display(Cell(490, marked=True), Column("", Kind.INTEGER)) == "490"
    assert csv_value(-5, Column("", Kind.INTEGER)) == "-5"  # a number, not text to guard
    assert csv_value("-5", Column("")) == "'-5"  # text that looks like one
    link = Cell("Пост", link="https://vk.com/wall-1_2")
    assert csv_value(link, Column("", Kind.LINK)) == "Пост (https://vk.com/wall-1_2)"
    assert csv_value("https://vk.com/x", Column("", Kind.LINK)) == "https://vk.com/x"


# ---------------------------------------------------------------- XLSX


def test_xlsx_keeps_numbers_and_dates_with_russian_formats():
    book = load_workbook(io.BytesIO(write_xlsx(sample(figures_table()))))
    sheet = book.active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "Отчёт за 2021 год"
    assert rows[1][0].value is None and rows[2][0].value == "Показатели"  # blank, heading
    assert [cell.value for cell in rows[3]][:2] == ["Текст", "Число"]
    first, second = rows[4], rows[5]
    assert (first[1].value, first[1].number_format) == (27007, "#,##0")
    assert (first[2].value, first[2].number_format) == (1234.5, "#,##0.00")
    assert (first[3].value, first[3].number_format) == (0.125, "0.0%")
    assert first[4].value == datetime(2021, 12, 31) and first[4].number_format == "DD.MM.YYYY"
    assert first[5].value == "Пост" and first[5].hyperlink.target == "https://vk.com/wall-1_2"
    assert (first[6].value, first[6].number_format) == (2020, "0")  # a year is not 2 020
    # A mark shows in the number format; the figure stays a number.
    assert (second[1].value, second[1].number_format) == (490, '#,##0"*"')
    assert second[2].value == -1.5 and second[2].data_type == "n"
    assert second[4].value == datetime(2021, 1, 5)
    # One table on the sheet: its header stays in view and prints on every page.
    assert sheet.freeze_panes == "A5"
    assert sheet.print_title_rows == "$4:$4"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert book.properties.title == "Отчёт за 2021 год"
    assert book.properties.creator == "ЦБС Медногорска"
    assert "12.03.2025" in sheet.oddFooter.right.text


def test_xlsx_text_never_becomes_a_formula():
    content = write_xlsx(dangerous_document())
    sheet = load_workbook(io.BytesIO(content)).active
    texts = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                texts[cell.value] = cell
    for text in [*DANGEROUS, '=HYPERLINK("http://evil")', "=Заголовок", "-рост подписчиков"]:
        cell = texts[text]  # the text as it was, shown as text
        assert cell.data_type == "s" and cell.quotePrefix, text
    assert not texts["обычная строка"].quotePrefix
    numbers = [cell for row in sheet.iter_rows() for cell in row if cell.value == -5]
    assert len(numbers) == len(DANGEROUS) and all(c.data_type == "n" for c in numbers)
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_draws_a_native_chart_over_the_table():
    table = Table(
        heading="По месяцам",
        columns=[
            Column("Месяц"),
            Column("Публикации", Kind.INTEGER),
            Column("Просмотры", Kind.INTEGER),
        ],
        rows=[["2021-01", 3, 120], ["2021-02", 5, 300]],
        chart=Chart(title="Просмотры", values=(2,), categories=0),
    )
    sheet = load_workbook(io.BytesIO(write_xlsx(sample(table)))).active
    (chart,) = sheet._charts
    (series,) = chart.series
    assert series.tx.strRef.f.endswith("!C4")  # the header names the series
    assert series.val.numRef.f.endswith("$C$5:$C$6")
    assert series.cat.numRef.f.endswith("$A$5:$A$6") or series.cat.strRef.f.endswith("$A$5:$A$6")


def test_xlsx_starts_a_sheet_where_a_section_asks_and_titles_each():
    document = sample(
        Table(columns=[Column("Месяц")], rows=[["январь"]], sheet="По месяцам"),
        Table(columns=[Column("Библиотека")], rows=[["ЦГБ"]], sheet="По библиотекам"),
    )
    book = load_workbook(io.BytesIO(write_xlsx(document)))
    assert book.sheetnames == ["По месяцам", "По библиотекам"]
    for sheet in book.worksheets:
        assert sheet["A1"].value == "Отчёт за 2021 год"
        assert sheet["A2"].font.bold  # the header right under the title
    assert book.worksheets[1]["A3"].value == "ЦГБ"


# ---------------------------------------------------------------- CSV


def test_csv_opens_in_russian_excel():
    content = write_csv(sample(figures_table(note="* Введено вручную")))
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Отчёт за 2021 год"]
    assert rows[1] == [] and rows[2] == ["Показатели"]
    assert rows[3][:3] == ["Текст", "Число", "Дробное"]
    assert rows[4] == [
        "Библиотека",
        "27007",
        "1234,50",
        "12,5 %",
        "31.12.2021",
        "Пост (https://vk.com/wall-1_2)",
        "2020",
    ]
    assert rows[5][1:5] == ["490", "-1,50", "100,0 %", "05.01.2021"]  # no mark: values only
    assert len(rows) == 6  # the footnote is for people's formats


def test_csv_text_is_formula_safe_and_numbers_stay_numbers():
    rows = list(
        csv.reader(io.StringIO(write_csv(dangerous_document()).decode("utf-8-sig")), delimiter=";")
    )
    cells = [cell for row in rows for cell in row]
    for text in DANGEROUS:
        assert f"'{text}" in cells
    assert '\'=HYPERLINK("http://evil")' in cells and "'=Заголовок" in cells
    assert "'-рост подписчиков" in cells and "'+Ключ" in cells and "'=значение" in cells
    assert "'@запись" in cells
    assert cells.count("-5") == len(DANGEROUS)
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) and cell != "-5" for cell in cells
    )


def test_csv_writes_each_table_after_a_blank_line_and_its_heading():
    document = sample(
        Table(heading="Первая", columns=[Column("А")], rows=[["1"]]),
        Table(columns=[Column("Б")], rows=[["2"]], sheet="Вторая"),
        Table(heading="Только в Excel", columns=[Column("В")], rows=[], only=frozenset({XLSX})),
    )
    rows = list(csv.reader(io.StringIO(write_csv(document).decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Отчёт за 2021 год"],
        [],
        ["Первая"],
        ["А"],
        ["1"],
        [],
        ["Вторая"],
        ["Б"],
        ["2"],
    ]


# ---------------------------------------------------------------- DOCX


def test_docx_is_a4_portrait_with_tables_links_and_russian_figures():
    document = sample(
        figures_table(note="* Введено вручную", total=True),
        Paragraphs(heading="Выводы", lines=["Подписчиков стало больше.", "", "=1+2"]),
        KeyValues(pairs=[("Выгружено", date(2025, 3, 12))]),
        Entries(heading="УЗИ", items=["Митьков, В. В. Ультразвуковая диагностика"], start=2),
        date_from=date(2021, 1, 1),
        date_to=date(2021, 12, 31),
    )
    word = WordDocument(io.BytesIO(write_docx(document)))
    page = word.sections[0]
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297)
    assert page.page_width < page.page_height
    assert (round(page.left_margin.mm), round(page.top_margin.mm)) == (30, 20)
    assert word.styles["Normal"].font.name == "Times New Roman"
    texts = [paragraph.text for paragraph in word.paragraphs]
    assert texts[:4] == [
        "Отчёт за 2021 год",
        "ЦБС Медногорска · 01.01.2021 – 31.12.2021",
        "Сформировано 12.03.2025",  # a document of a period says when it was made
        "Показатели",
    ]
    assert "* Введено вручную" in texts and "=1+2" in texts  # text stays text
    assert "Выгружено: 12.03.2025" in texts
    assert "2. Митьков, В. В. Ультразвуковая диагностика" in texts
    (table,) = word.tables
    header, first, second = ([cell.text for cell in row.cells] for row in table.rows)
    assert header[:2] == ["Текст", "Число"]
    assert first == [
        "Библиотека",
        f"27{NBSP}007",
        f"1{NBSP}234,50",
        f"12,5{NBSP}%",
        "31.12.2021",
        "Пост",
        "2020",
    ]
    assert second[1:5] == ["490*", "-1,50", f"100,0{NBSP}%", "05.01.2021"]
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # repeated on every page
    links = {rel.target_ref for rel in word.part.rels.values() if rel.is_external}
    assert links == {"https://vk.com/wall-1_2"}
    assert word.core_properties.title == "Отчёт за 2021 год"
    assert "12.03.2025" in page.footer.paragraphs[0].text


def test_docx_skips_what_is_meant_for_spreadsheets():
    document = sample(
        Entries(items=["Книга"], only=frozenset({DOCX})),
        Table(
            columns=[Column("Только CSV", only=frozenset({CSV})), Column("Всем")], rows=[["a", "b"]]
        ),
    )
    word = WordDocument(io.BytesIO(write_docx(document)))
    assert [cell.text for cell in word.tables[0].rows[0].cells] == ["Всем"]
    book = load_workbook(io.BytesIO(write_xlsx(document)))
    values = [cell.value for row in book.active.iter_rows() for cell in row if cell.value]
    assert "1. Книга" not in values and "Книга" not in values and "Только CSV" not in values


# ---------------------------------------------------------------- pages


def test_a_page_shows_the_same_tables():
    table = figures_table(mark_hint="Введено вручную", note="* Введено вручную")
    table.rows.append(
        ["<script>", None, None, None, None, Cell("x", link="javascript:alert(1)"), None]
    )
    html = render_to_string("exports/sections.html", {"sections": page_sections(sample(table))})
    assert "<h2>Показатели</h2>" in html
    assert '<a href="https://vk.com/wall-1_2" target="_blank" rel="noopener">Пост</a>' in html
    assert '490<sup class="mark" title="Введено вручную">*</sup>' in html
    assert f"1{NBSP}234,50" in html and "31.12.2021" in html and f"12,5{NBSP}%" in html
    assert "&lt;script&gt;" in html and "javascript:" not in html
    empty = Table(heading="Пусто", columns=[Column("А")], rows=[], empty="Ничего за период.")
    html = render_to_string("exports/sections.html", {"sections": page_sections([empty])})
    assert '<td colspan="1" class="muted">Ничего за период.</td>' in html


# ---------------------------------------------------------------- the registry


@pytest.fixture
def sample_type():
    document_type = registry.register(
        registry.DocumentType(
            key="tests.sample",
            title="Проба",
            build=lambda *, membership, title: sample(
                Table(heading="Своё", columns=[Column("А")], rows=[["1"]]),
                *registry.contributed("tests.sample", Meta(owner=title)),
            ),
            visible=lambda membership: membership is not None,
            formats=(XLSX, CSV),
        )
    )
    yield document_type
    registry._documents.pop("tests.sample")
    registry._contributions.pop("tests.sample", None)


def test_a_module_adds_its_section_to_another_modules_document(sample_type):
    def later(meta):
        return [Table(heading=f"Позже: {meta.owner}", columns=[Column("Б")], rows=[])]

    def sooner(meta):
        return [Paragraphs(lines=["Раньше"])]

    registry.contribute(registry.Contribution(document="tests.sample", key="b.later", build=later))
    registry.contribute(
        registry.Contribution(document="tests.sample", key="a.sooner", build=sooner, order=10)
    )
    document = registry.document("tests.sample", membership=MEMBER, title="ЦБС")
    assert [type(section).__name__ for section in document.sections] == [
        "Table",
        "Paragraphs",
        "Table",
    ]
    assert document.sections[2].heading == "Позже: ЦБС"
    assert sample_type in registry.available(MEMBER)
    assert sample_type not in registry.available(None)
    with pytest.raises(PermissionDenied):
        registry.document("tests.sample", membership=None, title="ЦБС")
    with pytest.raises(LookupError):
        registry.get("tests.missing")


def test_a_document_goes_to_the_browser_in_its_formats_only(sample_type):
    document = registry.document("tests.sample", membership=MEMBER, title="ЦБС")
    answer = response(document, CSV, filename="sample-2021", allowed=sample_type.formats)
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"] == 'attachment; filename="sample-2021.csv"'
    with pytest.raises(Http404):
        response(document, DOCX, filename="sample", allowed=sample_type.formats)
    with pytest.raises(Http404):
        response(document, "pdf", filename="sample")


def test_every_module_registers_its_documents_and_the_inbox_its_part_of_the_report():
    keys = {item.key for item in registry._documents.values()}
    assert {
        "analytics.report",
        "inbox.inquiries",
        "channels.registry",
        "exhibitions.arrivals",
        "catalog.booklist",
    } <= keys
    assert [item.key for item in registry.contributions("analytics.report")] == [
        "inbox.inquiries_answered",
        "readers.services",
        "strategy.shortlink_clicks",
    ]


@pytest.mark.django_db
def test_each_registered_document_builds_for_a_member_in_its_formats(
    admin_membership, channel, member_factory
):
    from tests.factories.catalog import RecordFactory
    from vitrina.analytics.services.reports import report_save
    from vitrina.catalog.bibrecord import BibRecord, Person
    from vitrina.core.exports.formats import write

    organisation = admin_membership.organisation
    RecordFactory(
        organisation=organisation,
        received_on=date(2020, 11, 10),
        bib=BibRecord(title="Анатомия человека", authors=[Person("Сапин", "М. Р.")], year="2020"),
    )
    report = report_save(
        organisation=organisation,
        actor=None,
        title="Отчёт",
        date_from=date(2020, 1, 1),
        date_to=date(2020, 12, 31),
    )
    params = {
        "analytics.report": {"report": report},
        "inbox.inquiries": {"year": 2020},
        "channels.registry": {},
        "exhibitions.arrivals": {
            "received_from": date(2020, 11, 1),
            "received_to": date(2020, 11, 30),
        },
        "catalog.booklist": {},
    }
    for key, given in params.items():
        document = registry.document(key, membership=admin_membership, **given)
        assert document.meta.owner == organisation.name, key
        for fmt in registry.get(key).formats:
            assert write(document, fmt), (key, fmt)
    text = str(registry.document("catalog.booklist", membership=admin_membership).sections)
    assert "Сапин" in text
    rows = registry.document("channels.registry", membership=admin_membership).sections[1].rows
    assert [row[3] for row in rows] == [channel.name]
    # Who may see a document is the registry's to say: the inquiries are the inbox's.
    analyst = member_factory(role=Role.ANALYST)
    assert "inbox.inquiries" not in {item.key for item in registry.available(analyst)}
    with pytest.raises(PermissionDenied):
        registry.document("inbox.inquiries", membership=analyst, year=2020)


def test_long_sheet_names_and_forbidden_characters_are_tidied():
    document = sample(
        Table(columns=[Column("А")], rows=[["1"]], sheet="Отчёт: 2021/2022 [черновик] и ещё")
    )
    book = load_workbook(io.BytesIO(write_xlsx(document)))
    (name,) = book.sheetnames
    assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


def test_xlsx_rows_of_wrapped_text_are_as_tall_as_their_lines():
    table = Table(
        heading="Каналы",
        columns=[Column("Канал", width=20, wrap=True), Column("Посты", Kind.INTEGER)],
        rows=[["Библиотека\nhttps://vk.com/lib", 5], ["Клуб", 2]],
        note="«нет данных» у канала «Клуб»: сеть не даёт статистики личным профилям, только "
        "группам, и потому число подписчиков в отчёте не указано.",
    )
    sheet = load_workbook(io.BytesIO(write_xlsx(sample(table)))).active
    rows = {row[0].value: row[0].row for row in sheet.iter_rows() if row[0].value}
    assert sheet.row_dimensions[rows["Библиотека\nhttps://vk.com/lib"]].height == 30
    assert sheet.row_dimensions[rows["Клуб"]].height is None  # one line: the default
    note = rows[table.note]
    assert f"A{note}:B{note}" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet.row_dimensions[note].height >= 30  # the note wraps across the table
    assert sheet.cell(rows["Клуб"], 2).alignment.vertical == "top"
