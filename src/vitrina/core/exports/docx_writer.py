"""A document as a Word file (python-docx): A4 portrait with the margins of Russian
office documents (ГОСТ Р 7.0.97: 30 mm left, 15 mm right, 20 mm top and bottom), Times
New Roman, Russian spelling; the title, a subtitle with whose the document is and its
period, headings Word's navigation finds, tables with a header row repeated on every page,
figures in Russian formats, links, native charts under the tables that have them
(``charts``), a signature block, and the day it was made with page numbers in the footer.
"""

import io
from datetime import datetime, time

from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from vitrina.core.exports import cells, charts
from vitrina.core.exports.sections import (
    DOCX,
    Chart,
    Document,
    Entries,
    Heading,
    KeyValues,
    Kind,
    Paragraphs,
    Section,
    Signature,
    Table,
)

FONT = "Times New Roman"
LINK_COLOUR = "0563C1"
HEADING_SIZES = {1: 14, 2: 13, 3: 12}
EMU_PER_CM = 360000
TEXT_WIDTH_MM = 210 - 30 - 15  # A4 less the margins
CHART_INLINE = (
    f"<wp:inline {nsdecls('wp', 'a', 'c', 'r')}>"
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:docPr id="{id}" name="{name}"/><wp:cNvGraphicFramePr/>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
    '<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline>'
)


def _fonts(style, size: int, *, bold: bool | None = None) -> None:
    """One font for every script (or Word picks its own for Cyrillic), in black, without
    the theme's fonts that headings otherwise take."""
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    properties = style.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "ru-RU")


def _styles(document) -> None:
    _fonts(document.styles["Normal"], 12)
    for level, size in HEADING_SIZES.items():
        _fonts(document.styles[f"Heading {level}"], size, bold=True)
    title = document.styles["Heading 1"].paragraph_format
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(document, meta) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    made = _("Made on %(date)s") % {"date": f"{meta.made_on:%d.%m.%Y}"}
    footer.add_run(f"{made} · ").font.size = Pt(9)
    _field(footer, "PAGE")


def _field(paragraph, instruction: str) -> None:
    """A field Word fills in (the page number)."""
    run = paragraph.add_run()
    run.font.size = Pt(9)
    element = OxmlElement("w:fldSimple")
    element.set(qn("w:instr"), instruction)
    element.append(run._r)
    paragraph._p.append(element)


def _link(paragraph, text: str, url: str, size: float | None = None) -> None:
    """python-docx writes no hyperlinks itself: a run inside a w:hyperlink element."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    style = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    style.append(colour)
    style.append(underline)
    if size:
        points = OxmlElement("w:sz")
        points.set(qn("w:val"), str(round(size * 2)))  # in half-points
        style.append(points)
    run.append(style)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def _weight(column) -> float:
    """A column's share of the page's width, in characters: by its kind, a text column by
    its own width too (a page is narrower than a sheet, so long text wraps sooner)."""
    if column.kind in cells.NUMERIC or column.kind == Kind.DATE:
        return 13
    if column.kind == Kind.MONTH:
        return 16
    return min(column.width or 20, 22)


def _widths(grid, columns) -> None:
    """Columns as wide as their contents need, together the text's width: Word and
    LibreOffice otherwise give every column the same."""
    weights = [_weight(column) for column in columns]
    total = sum(weights)
    grid.autofit = False
    widths = [Mm(TEXT_WIDTH_MM * weight / total) for weight in weights]
    # The grid for LibreOffice, each cell's width for Word.
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _cell_text(
    cell, text: str, *, bold: bool = False, right: bool = False, size: float = 10
) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold or None
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _narrow_margins(grid) -> None:
    """1 mm inside a cell's left and right borders (Word's default is 1.9 mm): more room
    for the figures of a wide table."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")  # twips
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    grid._tbl.tblPr.append(margins)


def _table(document, table: Table) -> None:
    if table.heading:
        document.add_heading(table.heading, level=2)
    shown = table.shown_columns(DOCX)
    size = 10 if len(shown) <= 6 else 9  # a wide table in a smaller type
    grid = document.add_table(rows=1, cols=len(shown))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _narrow_margins(grid)
    for cell, index in zip(grid.rows[0].cells, shown, strict=True):
        # A header of a wide table a point smaller, so its words fit their narrow columns.
        _cell_text(cell, table.columns[index].title, bold=True, size=size - (size < 10))
    _repeat_header(grid.rows[0])
    last = len(table.rows) - 1
    for number, row in enumerate(table.rows):
        cells_of_row = grid.add_row().cells
        bold = table.total and number == last
        for cell, index in zip(cells_of_row, shown, strict=True):
            column = table.columns[index]
            item = cells.item_at(row, index)
            text = cells.display(item, column) + (cells.MARK if cells.is_marked(item) else "")
            link = cells.link_of(item, column)
            if link:
                _link(cell.paragraphs[0], text, link, size)
            else:
                numeric = column.kind in cells.NUMERIC
                _cell_text(cell, text, bold=bold, right=numeric, size=size)
    _widths(grid, [table.columns[index] for index in shown])
    if not table.rows and table.empty:
        document.add_paragraph(table.empty).runs[0].italic = True
    if table.note:
        document.add_paragraph(table.note).runs[0].font.size = Pt(10)


def _chart(document, table: Table, chart_of: Chart) -> None:
    """A native chart: a chart part with its embedded workbook, drawn inline under the
    table."""
    package = document.part.package
    number = len([p for p in package.iter_parts() if p.partname.startswith("/word/charts/")]) + 1
    blob, workbook = charts.figures_workbook(table, chart_of)
    embedded = Part(
        PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"),
        CONTENT_TYPE.SML_SHEET,
        blob,
        package,
    )
    part = Part(PackURI(f"/word/charts/chart{number}.xml"), CONTENT_TYPE.DML_CHART, b"", package)
    workbook_rid = part.relate_to(embedded, RELATIONSHIP_TYPE.PACKAGE)
    part._blob = charts.chart_part_xml(table, chart_of, workbook, workbook_rid)
    rid = document.part.relate_to(part, RELATIONSHIP_TYPE.CHART)
    inline = CHART_INLINE.format(
        cx=charts.WIDTH_CM * EMU_PER_CM,
        cy=charts.HEIGHT_CM * EMU_PER_CM,
        id=1000 + number,
        name=f"Chart {number}",
        rid=rid,
    )
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    drawing = OxmlElement("w:drawing")
    drawing.append(parse_xml(inline))
    paragraph.add_run()._r.append(drawing)
    figure = _("Figure %(number)s") % {"number": number}
    caption = document.add_paragraph(f"{figure} – {chart_of.title}")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.runs[0].font.size = Pt(10)


def _signature(document, section: Signature) -> None:
    """The position on the left, a line to sign on and the name on the right, kept on
    the page of the text above it."""
    if document.paragraphs:
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    document.add_paragraph().paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1, cols=3)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    position, line, name = grid.rows[0].cells
    _cell_text(position, section.position)
    _cell_text(line, "_" * 20)
    _cell_text(name, section.name, right=True)


def _section(document, section: Section) -> None:
    if isinstance(section, Table):
        _table(document, section)
        if section.rows:
            for chart_of in section.all_charts:
                _chart(document, section, chart_of)
    elif isinstance(section, Signature):
        _signature(document, section)
    elif isinstance(section, Heading):
        document.add_heading(section.text, level=min(max(section.level, 1), 3))
    elif isinstance(section, Paragraphs):
        if section.heading:
            document.add_heading(section.heading, level=2)
        for line in section.lines:
            if line.strip():
                document.add_paragraph(line)
    elif isinstance(section, KeyValues):
        if section.heading:
            document.add_heading(section.heading, level=2)
        for label, value in section.pairs:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(cells.display(value, cells.typed_value(value)))
    elif isinstance(section, Entries):
        if section.heading:
            document.add_heading(section.heading, level=2)
        for number, item in enumerate(section.items, start=section.start):
            paragraph = document.add_paragraph(f"{number}. {item}")
            paragraph.paragraph_format.space_after = Pt(6)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _subtitle(meta) -> str:
    parts = [meta.owner] if meta.owner else []
    if meta.date_from and meta.date_to:
        parts.append(f"{meta.date_from:%d.%m.%Y} – {meta.date_to:%d.%m.%Y}")
    return " · ".join(parts)


def write_docx(document: Document) -> bytes:
    word = WordDocument()
    _styles(word)
    meta = document.meta
    _page(word, meta)
    properties = word.core_properties
    properties.title = document.title[:250]
    properties.author = meta.owner[:250] or "Vitrina"
    properties.language = "ru-RU"
    properties.created = datetime.combine(meta.made_on, time.min)
    word.add_heading(document.title, level=1)
    subtitle = _subtitle(meta)
    if subtitle:
        word.add_paragraph(subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if meta.date_from and meta.date_to:
        # A document of a period says when it was made under its title, as a report does.
        made = _("Made on %(date)s") % {"date": f"{meta.made_on:%d.%m.%Y}"}
        word.add_paragraph(made).alignment = WD_ALIGN_PARAGRAPH.CENTER
    sheet = ""
    for section in document.sections_for(DOCX):
        headless = isinstance(section, Table) and not section.heading
        if section.sheet and section.sheet != sheet and headless:
            word.add_heading(section.sheet, level=2)
        sheet = section.sheet or sheet
        _section(word, section)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
