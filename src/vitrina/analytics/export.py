"""The report as XLSX (with a native chart), DOCX and CSV."""

import csv
import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from vitrina.analytics.report import ReportData


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
            row.posts,
            row.posts_per_week,
            row.followers if row.followers is not None else "",
            row.visits,
            "; ".join(row.content_types),
        ]
        for row in data.channels
    ]
    totals = [
        [
            item.label,
            item.posts,
            item.friends_added,
            item.subscribers_added,
            item.views,
            item.likes,
            item.reposts,
            item.comments,
            item.visits,
            item.visitors_per_day,
        ]
        for item in data.networks
    ]
    series = [[item.name, item.posts, item.views, item.likes, item.reposts] for item in data.series]
    if data.series:
        total = data.series_total
        series.append([_("Total"), total.posts, total.views, total.likes, total.reposts])
    best = [
        [
            row.title,
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
    sections = [
        (
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
        ),
        (
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
        ),
        (
            _("Virtual exhibitions and projects"),
            [_("Series"), _("Posts"), _("Views"), _("Likes"), _("Reposts")],
            series,
        ),
        (
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
        (
            _("Growth of subscribers"),
            [_("Channel"), _("From"), _("Subscribers"), _("To"), _("Subscribers"), _("Growth")],
            growth,
        ),
        (_("Posts and views by month"), [_("Month"), _("Posts"), _("Views")], months),
    ]
    return sections


def report_xlsx(data: ReportData) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    sheet.append([data.report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    month_anchor = None
    for title, header, rows in report_sections(data):
        sheet.append([])
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        header_row = sheet.max_row
        for row in rows:
            sheet.append(row)
        if header == [_("Month"), _("Posts"), _("Views")]:
            month_anchor = (header_row, sheet.max_row)
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


def report_docx(data: ReportData) -> bytes:
    document = Document()
    document.add_heading(data.report.title, level=1)
    for title, header, rows in report_sections(data):
        document.add_heading(title, level=2)
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = str(text)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=False):
                cell.text = "" if value is None else str(value)
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
    for title, header, rows in report_sections(data):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    if data.report.conclusions:
        writer.writerow([])
        writer.writerow([_("Conclusions")])
        for paragraph in data.report.conclusions.splitlines():
            writer.writerow([paragraph])
    # A byte-order mark lets Excel open the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
