from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str
    message: str
    details: dict | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    timezone: str
    role: str = Field(..., description="The caller's role in this organisation")


class LibraryOut(Schema):
    id: int
    name: str
    short_name: str
    parent_id: int | None
    timezone: str
    website_url: str
    catalogue_url: str
    elibrary_url: str
    archived: bool


class MemberOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    is_active: bool
    library_ids: list[int]


class ChannelOut(Schema):
    id: int
    library_id: int
    network: str
    kind: str
    name: str
    url: str
    external_id: str
    created_on: date | None
    timezone: str
    audience_notes: str
    connection_state: str
    posts_per_week: Decimal | None
    subscribers: int | None
    visits: int | None
    archived: bool
    created_at: datetime
    updated_at: datetime


class ChannelIn(Schema):
    library_id: int
    network: str
    kind: str
    name: str = Field(..., max_length=200)
    url: str = Field("", max_length=300)
    external_id: str = Field("", max_length=100)
    created_on: date | None = None
    timezone: str | None = None
    audience_notes: str = ""
    posts_per_week: Decimal | None = Field(None, ge=0, le=1000)
    subscribers: int | None = Field(None, ge=0)
    visits: int | None = Field(None, ge=0)


class ChannelPatch(Schema):
    library_id: int | None = None
    network: str | None = None
    kind: str | None = None
    name: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=300)
    external_id: str | None = Field(None, max_length=100)
    created_on: date | None = None
    timezone: str | None = None
    audience_notes: str | None = None
    posts_per_week: Decimal | None = Field(None, ge=0, le=1000)
    subscribers: int | None = Field(None, ge=0)
    visits: int | None = Field(None, ge=0)
    archived: bool | None = None


class ConnectionReportOut(Schema):
    """What works on the network with the channel's stored tokens."""

    can_post: bool
    can_read_stats: bool
    can_message: bool
    followers: int | None
    problems: list[str]
    missing_tokens: list[str]
    connection_state: str
