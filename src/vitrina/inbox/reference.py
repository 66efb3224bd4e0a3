"""The virtual reference desk's reads: the type suggested for a reader's question and the
inquiries answered, counted per type and library as «выполнено в виртуальном режиме».
Its writes are ``services.inquiries``; its documents ``exports``."""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

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
