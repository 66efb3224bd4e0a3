"""The catalogue over the API: records with their ГОСТ descriptions, upcoming memorable dates."""

import datetime
from typing import Annotated

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from vitrina.api.auth import membership_or_404
from vitrina.api.errors import ApiError
from vitrina.api.pagination import Pagination
from vitrina.api.schemas import ErrorOut, Id, IsoDate
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


Year = Annotated[int, Field(ge=1, le=9999)]


class RecordFilterIn(Schema):
    q: str = Field("", max_length=500)
    title: str = Field("", max_length=500)
    author: str = Field("", max_length=500)
    subject: str = Field("", max_length=500)
    isbn: str = Field("", max_length=50)
    year_from: Year | None = None
    year_to: Year | None = None
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None


class OccurrenceOut(Schema):
    title: str
    kind: str
    what: str
    date: datetime.date | None
    year: int
    years: int | None
    highlighted: bool
    description: str


Days = Annotated[int, Field(ge=1, le=366)]

API_FIELDS = (*selectors.LIST_FIELDS, "data", "subjects", "url", "source", "external_id")


@router.get(
    "/organisations/{org_slug}/catalogue/records",
    response={200: list[RecordOut], 404: ErrorOut},
    summary="Catalogue records, searched by Russian word forms",
)
@paginate(Pagination)
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
def record_detail(request, org_slug: str, record_id: Id):
    membership = membership_or_404(request, org_slug)
    record = selectors.record_get(membership=membership, pk=record_id)
    if record is None:
        raise ApiError(404, "not_found", _("No such record."))
    return record


@router.get(
    "/organisations/{org_slug}/catalogue/dates/upcoming",
    response={200: list[OccurrenceOut], 404: ErrorOut},
    summary="Anniversaries and kept days in the coming days",
)
def dates_upcoming(request, org_slug: str, days: Days | None = None):
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
