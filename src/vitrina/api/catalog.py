"""The catalogue over the API: records with their ГОСТ descriptions, upcoming memorable dates."""

import datetime

from django.conf import settings
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from vitrina.api.auth import membership_or_404
from vitrina.api.errors import ApiError
from vitrina.api.schemas import ErrorOut
from vitrina.catalog import selectors
from vitrina.catalog.bibrecord import from_dict
from vitrina.catalog.gost import describe_short
from vitrina.catalog.models import Record

router = Router(tags=["catalogue"])


class RecordOut(Schema):
    id: int
    title: str
    authors: str
    year: int | None
    isbn: str
    subjects: list[str]
    description: str
    short_description: str
    url: str
    resource_type: str
    received_on: datetime.date | None
    source: str
    external_id: str

    @staticmethod
    def resolve_isbn(record: Record) -> str:
        # The column keeps digits for search; the ISBN as printed is in the record's data.
        return record.data.get("isbn", "")

    @staticmethod
    def resolve_short_description(record: Record) -> str:
        return describe_short(from_dict(record.data))


class RecordFilterIn(Schema):
    q: str = ""
    title: str = ""
    author: str = ""
    subject: str = ""
    isbn: str = ""
    year_from: int | None = None
    year_to: int | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None


class OccurrenceOut(Schema):
    title: str
    kind: str
    what: str
    date: datetime.date | None
    year: int
    years: int | None
    highlighted: bool
    description: str


API_FIELDS = (*selectors.LIST_FIELDS, "data", "subjects", "url", "source", "external_id")


@router.get(
    "/organisations/{org_slug}/catalogue/records",
    response={200: list[RecordOut], 404: ErrorOut},
    summary="Catalogue records, searched by Russian word forms",
)
@paginate(LimitOffsetPagination)
def record_list(request, org_slug: str, filters: Query[RecordFilterIn]):
    membership = membership_or_404(request, org_slug)
    return selectors.record_list(
        membership=membership, filters=selectors.RecordFilter(**filters.dict()), fields=API_FIELDS
    )


@router.get(
    "/organisations/{org_slug}/catalogue/records/{record_id}",
    response={200: RecordOut, 404: ErrorOut},
    summary="One catalogue record",
)
def record_detail(request, org_slug: str, record_id: int):
    membership = membership_or_404(request, org_slug)
    record = selectors.record_get(membership=membership, pk=record_id)
    if record is None:
        raise ApiError(404, "not_found", "No such record.")
    return record


@router.get(
    "/organisations/{org_slug}/catalogue/dates/upcoming",
    response={200: list[OccurrenceOut], 404: ErrorOut},
    summary="Anniversaries and kept days in the coming days",
)
def dates_upcoming(request, org_slug: str, days: int | None = None):
    membership = membership_or_404(request, org_slug)
    days = min(max(days or settings.CATALOG_UPCOMING_DAYS, 1), 366)
    occurrences = selectors.memorable_date_upcoming(
        membership=membership, today=timezone.localdate(), days=days
    )
    return [
        {
            "title": item.title,
            "kind": item.entry.kind,
            "what": item.what,
            "date": item.date,
            "year": item.year,
            "years": item.years,
            "highlighted": item.highlighted,
            "description": item.entry.description,
        }
        for item in occurrences
    ]
