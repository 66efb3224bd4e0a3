from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from vitrina.channels.networks import ConnectionState, Kind
from vitrina.channels.providers.registry import kinds_by_network
from vitrina.core.roles import Role

# The largest id the database keeps (ids are 64-bit signed integers): larger ones are refused
# by the schema instead of overflowing in the database.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _json_number(value):
    # A JSON body says what it means: "5" and true are not the number the schema asks for
    # (addresses and queries are text, so there ``Id`` reads "5").
    if isinstance(value, str | bool):
        raise PydanticCustomError("int_type", "not a number")
    return value


# An id in a JSON body.
BodyId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_json_number)]
# Counts kept in the database's 32-bit positive integers.
Count = Annotated[int, Field(ge=0, le=2_147_483_647), BeforeValidator(_json_number)]
# true or false, never 0 or "yes".
Flag = Annotated[bool, Field(strict=True)]

# Posts a week as the registry keeps them: up to 1000, to one decimal place (rounded).
PostsPerWeek = Annotated[
    Decimal,
    Field(ge=0, le=1000, allow_inf_nan=False),
    AfterValidator(lambda value: value.quantize(Decimal("0.1"))),
]

# Networks as the registry knows them, connectable or for the record only.
NetworkName = Literal[tuple(kinds_by_network())]
KindName = Literal[tuple(Kind.values)]
ConnectionStateName = Literal[tuple(ConnectionState.values)]
RoleName = Literal[tuple(Role.values)]


# An IANA zone's name; which names exist is the database's check (a list of all ~600 would
# make every client and fuzzer walk it).
TimeZoneName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
        examples=["Europe/Moscow", "Asia/Yekaterinburg"],
    ),
]


def _iso(kind: type, error: str):
    """Only the ISO 8601 text the schema promises: pydantic alone also takes numbers (as Unix
    times) and their strings."""

    def check(value):
        if isinstance(value, str):
            try:
                kind.fromisoformat(value)
            except ValueError:
                raise PydanticCustomError(error, "not ISO 8601") from None
        elif not isinstance(value, kind):
            raise PydanticCustomError(error, "not ISO 8601")
        return value

    return BeforeValidator(check)


# A day's margin at each end: a time without an offset is read on a place's clock, up to
# 14 hours from UTC.
_EARLIEST, _LATEST = datetime(1, 1, 2), datetime(9999, 12, 30)


def _in_calendar(value: datetime) -> datetime:
    """A time whose UTC form leaves years 1–9999 (``9999-12-31T23:59:59-07:00``) cannot be
    stored or compared: refused here rather than failing in the database."""
    try:
        plain = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    except OverflowError:
        plain = None
    if plain is None or not _EARLIEST <= plain <= _LATEST:
        raise PydanticCustomError("datetime_range", "outside the calendar")
    return value


IsoDateTime = Annotated[datetime, _iso(datetime, "datetime_parsing"), AfterValidator(_in_calendar)]
IsoDate = Annotated[date, _iso(date, "date_parsing")]


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def unset(**constraints):
    """A PATCH field that may be left out but is never null: leaving it out keeps the value."""
    return Field(None, json_schema_extra=_no_default, **constraints)


class BodyIn(Schema):
    """A request body: a JSON object, never a list, a string, a number or null (ninja's
    schemas would otherwise read the fields as attributes of whatever was sent)."""

    @model_validator(mode="before")
    @classmethod
    def an_object(cls, data):
        # ninja hands validators what was sent wrapped in its attribute reader.
        sent = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(sent, dict):
            raise PydanticCustomError("model_type", "send a JSON object")
        return data


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
    role: RoleName = Field(..., description="The caller's role in this organisation")


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
    role: RoleName
    is_active: bool
    library_ids: list[int]


class ChannelOut(Schema):
    id: int
    library_id: int
    network: NetworkName
    kind: KindName
    name: str
    url: str
    external_id: str
    created_on: date | None
    timezone: str
    audience_notes: str
    connection_state: ConnectionStateName
    posts_per_week: Decimal | None
    subscribers: int | None
    visits: int | None
    archived: bool
    created_at: datetime
    updated_at: datetime


# Which kinds of account each network has, for the schema to say (the registry decides).
NETWORK_KINDS = {
    "anyOf": [
        {"properties": {"network": {"const": network}, "kind": {"enum": kinds}}}
        for network, kinds in kinds_by_network().items()
    ]
}


class ChannelIn(BodyIn):
    """A channel; its ``kind`` is one the network has (``anyOf`` lists them)."""

    model_config = ConfigDict(json_schema_extra=NETWORK_KINDS)

    library_id: BodyId
    network: NetworkName
    kind: KindName
    name: str = Field(..., min_length=1, max_length=200)
    url: str = Field("", max_length=300)
    external_id: str = Field("", max_length=100)
    created_on: IsoDate | None = None
    timezone: TimeZoneName | None = Field(None, description="The network's zone if left out")
    audience_notes: str = Field("", max_length=10_000)
    posts_per_week: PostsPerWeek | None = None
    subscribers: Count | None = None
    visits: Count | None = None


class ChannelPatch(BodyIn):
    """Fields left out keep their values; null empties those that may be empty. A ``kind``
    is one its network has (the channel's own when ``network`` is left out)."""

    model_config = ConfigDict(json_schema_extra=NETWORK_KINDS)

    library_id: BodyId = unset()
    network: NetworkName = unset()
    kind: KindName = unset()
    name: str = unset(min_length=1, max_length=200)
    url: str | None = Field(None, max_length=300)
    external_id: str | None = Field(None, max_length=100)
    created_on: IsoDate | None = None
    timezone: TimeZoneName | None = Field(None, description="null keeps the zone")
    audience_notes: str | None = Field(None, max_length=10_000)
    posts_per_week: PostsPerWeek | None = None
    subscribers: Count | None = None
    visits: Count | None = None
    archived: Flag = unset()


class ConnectionReportOut(Schema):
    """What works on the network with the channel's stored tokens."""

    can_post: bool
    can_read_stats: bool
    can_message: bool
    followers: int | None
    problems: list[str]
    missing_tokens: list[str]
    connection_state: str
