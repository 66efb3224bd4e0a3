"""The virtual reference desk's reads: the type suggested for a reader's question and the
inquiries answered, counted per type and library as «выполнено в виртуальном режиме».
Its writes are ``services.inquiries``."""

import re
from collections import Counter
from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vitrina.inbox.models import InquiryKind

# Simple rules, checked in order; the first match suggests the type (thematic otherwise).
RULES = [
    (
        InquiryKind.CLARIFYING,
        re.compile(
            r"уточн|выходн\w* данн|год\w* издани|isbn|библиографическ\w* (описан|запис)"
            r"|правильно ли|кто автор|какое издательств|полн\w* назван",
            re.IGNORECASE,
        ),
    ),
    (
        InquiryKind.ADDRESS,
        re.compile(
            r"есть ли у вас|есть ли в (фонде|библиотеке)|имеется ли|в фонде|где (взять|найти|"
            r"можно (взять|найти|почитать))|«[^»]+»",
            re.IGNORECASE,
        ),
    ),
    (
        InquiryKind.FACTUAL,
        re.compile(
            r"\bв каком году|\bкогда (родил|умер|был|основан|открыт)|\bсколько\b|\bкакого числа"
            r"|\bдата\b|\bкто (такой|был|написал)|\bцитат|\bчисленност|\bадрес\b",
            re.IGNORECASE,
        ),
    ),
]


def suggest_kind(text: str) -> str:
    for kind, pattern in RULES:
        if pattern.search(text or ""):
            return kind
    return InquiryKind.THEMATIC


def suggest_topic(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 120 else text[:117].rstrip() + "…"


def inquiry_counts(inquiries, *, year: int) -> dict:
    """Answered inquiries of a year: per month and type, and per library and type."""
    rows = inquiries.filter(answered_at__year=year).values_list(
        "answered_at", "kind", "library__name"
    )
    by_month, by_library = Counter(), Counter()
    for answered_at, kind, library in rows:
        month = timezone.localtime(answered_at).month
        by_month[(month, kind)] += 1
        by_library[(library, kind)] += 1
    kinds = list(InquiryKind)
    months = [
        {
            "month": month,
            "counts": [by_month[(month, kind)] for kind in kinds],
            "total": sum(by_month[(month, kind)] for kind in kinds),
        }
        for month in range(1, 13)
    ]
    libraries = [
        {
            "library": library,
            "counts": [by_library[(library, kind)] for kind in kinds],
            "total": sum(by_library[(library, kind)] for kind in kinds),
        }
        for library in sorted({library for library, _kind in by_library})
    ]
    totals = [sum(row["counts"][i] for row in months) for i in range(len(kinds))]
    return {
        "kinds": kinds,
        "months": months,
        "libraries": libraries,
        "totals": totals,
        "total": sum(totals),
    }


def inquiry_period_counts(inquiries, *, date_from: date, date_to: date, zone) -> dict:
    """Inquiries answered in the days (whole days in the zone): per library and type."""
    from datetime import datetime, time, timedelta

    rows = inquiries.filter(
        answered_at__gte=datetime.combine(date_from, time.min, zone),
        answered_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, zone),
    ).values_list("kind", "library__name")
    by_library = Counter(rows)
    kinds = list(InquiryKind)
    libraries = [
        {
            "library": library,
            "counts": [by_library[(kind, library)] for kind in kinds],
            "total": sum(by_library[(kind, library)] for kind in kinds),
        }
        for library in sorted({library for _kind, library in by_library})
    ]
    totals = [sum(row["counts"][i] for row in libraries) for i in range(len(kinds))]
    return {"kinds": kinds, "libraries": libraries, "totals": totals, "total": sum(totals)}


def inquiry_workbook(counts: dict, *, year: int, organisation: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("By month")
    title = _("Reference inquiries answered in virtual mode, %(year)s — %(organisation)s") % {
        "year": year,
        "organisation": organisation,
    }
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    header = [_("Month"), *[str(kind.label) for kind in counts["kinds"]], _("Total")]
    sheet.append(header)
    for row in counts["months"]:
        name = date_format(date(year, row["month"], 1), "F")
        sheet.append([name, *row["counts"], row["total"]])
    sheet.append([_("Year"), *counts["totals"], counts["total"]])
    by_library = book.create_sheet(_("By library"))
    by_library.append([title])
    by_library["A1"].font = Font(bold=True)
    by_library.append([_("Library"), *[str(kind.label) for kind in counts["kinds"]], _("Total")])
    for row in counts["libraries"]:
        by_library.append([row["library"], *row["counts"], row["total"]])
    for ws in (sheet, by_library):
        ws.column_dimensions["A"].width = 40
        for cell in ws[2]:
            cell.font = Font(bold=True)
    output = BytesIO()
    book.save(output)
    return output.getvalue()
