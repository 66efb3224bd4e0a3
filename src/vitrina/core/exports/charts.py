"""Native charts over a table, drawn by openpyxl's chart model for both formats that
carry them: a workbook's chart refers to the table's cells on its sheet; a Word document's
chart is the same DrawingML chart part, with the figures cached in it (Word and
LibreOffice draw it from the cache) and a small workbook of those figures embedded, so
that "Edit data" in Word opens them.
"""

import io

from lxml import etree
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import NumData, NumVal, StrData, StrRef, StrVal
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from vitrina.core.exports import cells
from vitrina.core.exports.sections import LINE, Chart, Table

DATA_SHEET = "Data"
# The axis in Russian whatever the reader's locale: 5 000, 1 234 567 (a chart's "#,##0"
# would follow the system's and show 5,000 on an English one).
AXIS_FORMAT = "[>=1000000]0 000 000;[>=1000]0 000;0"
WIDTH_CM, HEIGHT_CM = 16, 8


def charted_rows(table: Table) -> list[list]:
    """The rows a chart shows: a total row would dwarf the others."""
    return table.rows[:-1] if table.total and table.rows else table.rows


def chart_over(
    chart_of: Chart, sheet: Worksheet, positions: dict[int, int], header: int, last: int
):
    """An openpyxl chart over a table written on ``sheet``: its header on row ``header``,
    its rows down to ``last``; ``positions`` gives each table column's sheet column."""
    chart = LineChart() if chart_of.kind == LINE else BarChart()
    chart.title = chart_of.title
    chart.legend.position = "b"
    if chart_of.y_title:
        chart.y_axis.title = chart_of.y_title
    # Axes shown (openpyxl hides them unless told) with their labels.
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.number_format = AXIS_FORMAT
    chart.y_axis.numFmt.sourceLinked = False
    for index in chart_of.values:
        data = Reference(sheet, min_col=positions[index], min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
    if chart_of.kind == LINE:
        for series in chart.series:  # a lone reading still shows as a point
            series.marker.symbol = "circle"
            series.marker.size = 7
    category = positions[chart_of.categories]
    chart.set_categories(Reference(sheet, min_col=category, min_row=header + 1, max_row=last))
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    return chart


def _cache(chart, table: Table, chart_of: Chart) -> None:
    """The figures inside the chart itself, for a reader that does not open the embedded
    workbook."""
    labels = [
        cells.display(cells.item_at(row, chart_of.categories), table.columns[chart_of.categories])
        for row in charted_rows(table)
    ]
    for series, index in zip(chart.series, chart_of.values, strict=True):
        series.tx.strRef.strCache = StrData(
            ptCount=1, pt=[StrVal(idx=0, v=table.columns[index].title)]
        )
        values = [
            cells.as_number(cells.value_of(cells.item_at(row, index)))
            for row in charted_rows(table)
        ]
        series.val.numRef.numCache = NumData(
            formatCode="General",
            ptCount=len(values),
            pt=[NumVal(idx=i, v=v) for i, v in enumerate(values) if v is not None],
        )
        # Categories as people read them («январь 2026»): text, not the dates behind them.
        reference = series.cat.numRef or series.cat.strRef
        series.cat.numRef = None
        series.cat.strRef = StrRef(
            f=reference.f,
            strCache=StrData(
                ptCount=len(labels), pt=[StrVal(idx=i, v=text) for i, text in enumerate(labels)]
            ),
        )


def figures_workbook(table: Table, chart_of: Chart) -> tuple[bytes, Workbook]:
    """The table's categories (as people read them) and figures on a sheet of their own."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    used = [chart_of.categories, *chart_of.values]
    sheet.append([table.columns[index].title for index in used])
    for row in charted_rows(table):
        line = [cells.display(cells.item_at(row, chart_of.categories), table.columns[used[0]])]
        for index in chart_of.values:
            line.append(cells.as_number(cells.value_of(cells.item_at(row, index))))
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), workbook


PREFIXES = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
EXTERNAL_DATA = (
    '<c:externalData xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'r:id="{rid}"><c:autoUpdate val="0"/></c:externalData>'
)


def chart_part_xml(table: Table, chart_of: Chart, workbook: Workbook, workbook_rid: str) -> bytes:
    """A Word document's chart part: chartSpace XML with the figures cached, over the
    embedded ``workbook`` (``figures_workbook``) whose relation ``workbook_rid`` it names."""
    positions = {chart_of.categories: 1} | {
        index: position for position, index in enumerate(chart_of.values, start=2)
    }
    chart = chart_over(chart_of, workbook.active, positions, 1, 1 + len(charted_rows(table)))
    chart.title = None  # the document's caption under the chart names it
    _cache(chart, table, chart_of)
    space = _prefixed(etree.fromstring(tostring(chart._write())))
    space.append(etree.fromstring(EXTERNAL_DATA.format(rid=workbook_rid)))
    return etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)


def _prefixed(element, parent=None):
    """The tree with Office's own prefixes (c:, a:, r:) instead of openpyxl's default
    namespace, as Word writes its chart parts."""
    if parent is None:
        copy = etree.Element(element.tag, nsmap=PREFIXES)
    else:
        copy = etree.SubElement(parent, element.tag)
    copy.attrib.update(element.attrib)
    copy.text, copy.tail = element.text, element.tail
    for child in element:
        _prefixed(child, copy)
    return copy
