"""The report as XLSX (with a native chart), DOCX and CSV.

Every format writes the same sections. A figure that includes days or posts entered by hand
or imported carries an asterisk and the section a footnote (the CSV a source column instead);
the best materials link to the posts on the networks.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from vitrina.analytics.report import ReportData

MARK = "*"


@dataclass
class Cell:
    """A value with what the formats show beside it: a mark or a link."""

    value: object
    marked: bool = False  # includes figures entered by hand or imported
    link: str = ""

    def __str__(self) -> str:
        text = "" if self.value is None else str(self.value)
        return f"{text}{MARK}" if self.marked else text


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list]
    note: str = ""  # the footnote under the table
    # The CSV's source column: for each row, where its figures came from (None: no column).
    sources: list[str] | None = None
    kind: str = ""

    def __iter__(self):
        return iter((self.title, self.header, self.rows))


def _plain(value):
    return value.value if isinstance(value, Cell) else value


def _marked(value, marked: bool):
    return Cell(value, marked=True) if marked else value


def footnote() -> str:
    return _("%(mark)s Entered by hand or imported from a file, not read from the network.") % {
        "mark": MARK
    }


def _source(marked: set[str], labels: dict[str, str]) -> str:
    named = [label for name, label in labels.items() if name in marked]
    if not named:
        return _("From the network")
    return _("Entered by hand or imported: %(figures)s") % {"figures": ", ".join(named)}


def _day(value) -> str:
    return date_format(value, "d.m.Y") if value else ""


def _factor(value) -> str:
    return f"×{value:.1f}".replace(".", ",") if value is not None else ""


def report_sections(data: ReportData) -> list[tuple[str, list[str], list[list]]]:
    """The report's tables, each a title, a header and rows: every format writes these."""
    report = data.report
    table1 = [
        [
            row.network,
            f"{row.channel.name}\n{row.address}".strip(),
            _day(row.created_on),
            _marked(row.posts, "posts" in row.marked),
            _marked(row.posts_per_week, "posts" in row.marked),
            _marked(row.followers, "followers" in row.marked) if row.followers is not None else "",
            _marked(row.visits, "visits" in row.marked),
            "; ".join(row.content_types),
        ]
        for row in data.channels
    ]
    table1_labels = {
        "posts": _("Posts"),
        "followers": _("Friends / subscribers"),
        "visits": _("Visits"),
    }
    totals = [
        [
            item.label,
            *(
                _marked(getattr(item, name), name in item.marked)
                for name in (
                    "posts",
                    "friends_added",
                    "subscribers_added",
                    "views",
                    "likes",
                    "reposts",
                    "comments",
                    "visits",
                    "visitors_per_day",
                )
            ),
        ]
        for item in data.networks
    ]
    totals_labels = {
        "posts": _("Posts"),
        "friends_added": _("Friends added"),
        "subscribers_added": _("Subscribers added"),
        "views": _("Views"),
        "likes": _("Likes"),
        "reposts": _("Reposts"),
        "comments": _("Comments"),
        "visits": _("Visits"),
    }
    marks_note = footnote() if data.has_marks else ""
    table1_marked = any(row.marked & table1_labels.keys() for row in data.channels)
    series = [[item.name, item.posts, item.views, item.likes, item.reposts] for item in data.series]
    if data.series:
        total = data.series_total
        series.append([_("Total"), total.posts, total.views, total.likes, total.reposts])
    best = [
        [
            Cell(row.title, link=row.url) if row.url else row.title,
            row.channel,
            _day(row.published_at),
            row.views,
            row.likes,
            row.reposts,
            row.comments,
        ]
        for row in data.best
    ]
    growth = [
        [
            row.channel,
            _day(row.day_from),
            row.followers_from if row.followers_from is not None else "",
            _day(row.day_to),
            row.followers_to,
            _factor(row.factor),
        ]
        for row in data.growth
    ]
    months = [list(month) for month in data.months]
    inquiries = data.inquiries
    kinds = [str(kind.label).split(" (")[0] for kind in inquiries["kinds"]]
    answered = [[row["library"], *row["counts"], row["total"]] for row in inquiries["libraries"]]
    if answered:
        answered.append([_("Total"), *inquiries["totals"], inquiries["total"]])
    sections = [
        Section(
            _("Table 1. The library in the virtual space, %(from)s – %(to)s")
            % {"from": _day(report.date_from), "to": _day(report.date_to)},
            [
                _("Network"),
                _("Account and address"),
                _("Date created"),
                _("Posts"),
                _("Posts a week"),
                _("Friends / subscribers"),
                _("Visits"),
                _("Content types"),
            ],
            table1,
            note=marks_note if table1_marked else "",
            sources=[_source(row.marked, table1_labels) for row in data.channels],
        ),
        Section(
            _("Totals by network"),
            [
                _("Network"),
                _("Posts"),
                _("Friends added"),
                _("Subscribers added"),
                _("Views"),
                _("Likes"),
                _("Reposts"),
                _("Comments"),
                _("Visits"),
                _("Visitors a day"),
            ],
            totals,
            note=marks_note if any(item.marked for item in data.networks) else "",
            sources=[_source(item.marked, totals_labels) for item in data.networks],
        ),
        Section(
            _("Virtual exhibitions and projects"),
            [_("Series"), _("Posts"), _("Views"), _("Likes"), _("Reposts")],
            series,
        ),
        Section(
            _("Best materials"),
            [
                _("Post"),
                _("Channel"),
                _("Published"),
                _("Views"),
                _("Likes"),
                _("Reposts"),
                _("Comments"),
            ],
            best,
        ),
        Section(
            _("Growth of subscribers"),
            [_("Channel"), _("From"), _("Subscribers"), _("To"), _("Subscribers"), _("Growth")],
            growth,
        ),
        Section(
            _("Posts and views by month"),
            [_("Month"), _("Posts"), _("Views")],
            months,
            kind="months",
        ),
        Section(
            _("Reference inquiries answered, %(from)s – %(to)s")
            % {"from": _day(report.date_from), "to": _day(report.date_to)},
            [_("Library"), *kinds, _("Total")],
            answered,
        ),
    ]
    return sections


def report_xlsx(data: ReportData) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    link_font = Font(color="0563C1", underline="single")
    sheet.append([data.report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    month_anchor = None
    for section in report_sections(data):
        sheet.append([])
        sheet.append([section.title])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(section.header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        header_row = sheet.max_row
        for row in section.rows:
            sheet.append([_plain(value) for value in row])
            for column, value in enumerate(row, start=1):
                if not isinstance(value, Cell):
                    continue
                cell = sheet.cell(sheet.max_row, column)
                if value.marked:
                    # The number stays a number; only its display carries the mark.
                    cell.number_format = '0.0"*"' if isinstance(value.value, float) else '0"*"'
                if value.link:
                    cell.hyperlink = value.link
                    cell.font = link_font
        if section.kind == "months":
            month_anchor = (header_row, sheet.max_row)
        if section.note:
            sheet.append([section.note])
    if data.report.conclusions:
        sheet.append([])
        sheet.append([_("Conclusions")])
        sheet.cell(sheet.max_row, 1).font = bold
        for paragraph in data.report.conclusions.splitlines():
            sheet.append([paragraph])
    for column, width in zip("ABCDEFGHI", (34, 40, 14, 12, 12, 14, 12, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    if month_anchor and month_anchor[1] > month_anchor[0]:
        first, last = month_anchor
        chart = BarChart()
        chart.title = _("Views by month")
        chart.y_axis.title = _("Views")
        chart.add_data(
            Reference(sheet, min_col=3, min_row=first, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
        chart.width, chart.height = 22, 9
        sheet.add_chart(chart, f"K{first}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _docx_link(paragraph, text: str, url: str) -> None:
    """python-docx writes no hyperlinks itself: a run inside a w:hyperlink element."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    style = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    style.append(colour)
    style.append(underline)
    run.append(style)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def report_docx(data: ReportData) -> bytes:
    document = Document()
    document.add_heading(data.report.title, level=1)
    for section in report_sections(data):
        document.add_heading(section.title, level=2)
        table = document.add_table(rows=1, cols=len(section.header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, section.header, strict=True):
            cell.text = str(text)
        for row in section.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=False):
                if isinstance(value, Cell) and value.link:
                    _docx_link(cell.paragraphs[0], str(value), value.link)
                else:
                    cell.text = "" if value is None else str(value)
        if section.note:
            document.add_paragraph(section.note)
    if data.report.conclusions:
        document.add_heading(_("Conclusions"), level=2)
        for paragraph in data.report.conclusions.splitlines():
            if paragraph.strip():
                document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_csv(data: ReportData) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([data.report.title])
    for section in report_sections(data):
        writer.writerow([])
        writer.writerow([section.title])
        if section.sources is None:
            writer.writerow(section.header)
            writer.writerows([[_csv(value) for value in row] for row in section.rows])
            continue
        writer.writerow([*section.header, _("Source")])
        for row, source in zip(section.rows, section.sources, strict=True):
            writer.writerow([*(_csv(value) for value in row), source])
    if data.report.conclusions:
        writer.writerow([])
        writer.writerow([_("Conclusions")])
        for paragraph in data.report.conclusions.splitlines():
            writer.writerow([paragraph])
    # A byte-order mark lets Excel open the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv(value):
    """A CSV cell: the figure alone (the source column tells where it came from), a link
    beside the title it belongs to."""
    if not isinstance(value, Cell):
        return value
    return f"{value.value} ({value.link})" if value.link else value.value
