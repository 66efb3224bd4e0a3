"""The channels registry over the API."""

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from vitrina.api.auth import membership_allowed, membership_or_404
from vitrina.api.errors import ApiError
from vitrina.api.pagination import Pagination
from vitrina.api.schemas import (
    ChannelIn,
    ChannelOut,
    ChannelPatch,
    ConnectionReportOut,
    ErrorOut,
    Id,
    NetworkName,
)
from vitrina.channels import selectors, services
from vitrina.channels.connect import channel_check_connection
from vitrina.channels.models import Channel
from vitrina.channels.providers.errors import ProviderError
from vitrina.core import rules
from vitrina.core.models import Membership
from vitrina.core.selectors import library_get
from vitrina.core.timeplace import moment_at_place as at_place

router = Router(tags=["channels"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def channel_out(channel: Channel) -> dict:
    return {
        "id": channel.pk,
        "library_id": channel.library_id,
        "network": channel.network,
        "kind": channel.kind,
        "name": channel.name,
        "url": channel.url,
        "external_id": channel.external_id,
        "created_on": channel.created_on,
        "timezone": channel.timezone,
        "audience_notes": channel.audience_notes,
        "connection_state": channel.connection_state,
        "posts_per_week": channel.posts_per_week,
        "subscribers": channel.subscribers,
        "visits": channel.visits,
        "archived": channel.is_archived,
        "created_at": at_place(channel.created_at, channel),
        "updated_at": at_place(channel.updated_at, channel),
    }


def _manager(request, org_slug: str) -> Membership:
    return membership_allowed(
        request, org_slug, rules.can_manage_channels, _("Your role may not change channels.")
    )


def _channel(membership: Membership, channel_id: int) -> Channel:
    channel = selectors.channel_get(membership=membership, pk=channel_id)
    if channel is None:
        raise ApiError(404, "not_found", _("No such channel."))
    return channel


def _fields(membership: Membership, data: dict) -> dict:
    if "library_id" in data:
        library = library_get(membership=membership, pk=data.pop("library_id"))
        if library is None:
            raise ApiError(400, "invalid", _("No such library."), {"field": "library_id"})
        data["library"] = library
    if data.get("timezone") is None:
        data.pop("timezone", None)
    for name in ("url", "external_id", "audience_notes"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


@router.get(
    "/organisations/{org_slug}/channels",
    response={200: list[ChannelOut], 404: ErrorOut},
    summary="Channels of the organisation",
)
@paginate(Pagination)
def channel_list(
    request,
    org_slug: str,
    library_id: Id | None = None,
    network: NetworkName | None = None,
    archived: bool = False,
):
    membership = membership_or_404(request, org_slug)
    filters = selectors.ChannelFilter(
        library_id=library_id, network=network or "", archived=archived
    )
    return [channel_out(c) for c in selectors.channel_list(membership=membership, filters=filters)]


@router.post(
    "/organisations/{org_slug}/channels",
    response={201: ChannelOut, **ERRORS},
    summary="Add a channel to the registry",
)
def channel_create(request, org_slug: str, payload: ChannelIn):
    membership = _manager(request, org_slug)
    fields = _fields(membership, payload.dict())
    channel = services.channel_create(
        organisation=membership.organisation, actor=request.auth, **fields
    )
    return Status(201, channel_out(channel))


@router.get(
    "/organisations/{org_slug}/channels/{channel_id}",
    response={200: ChannelOut, 404: ErrorOut},
    summary="One channel",
)
def channel_detail(request, org_slug: str, channel_id: Id):
    membership = membership_or_404(request, org_slug)
    return channel_out(_channel(membership, channel_id))


@router.patch(
    "/organisations/{org_slug}/channels/{channel_id}",
    response={200: ChannelOut, **ERRORS},
    summary="Change a channel",
)
def channel_update(request, org_slug: str, channel_id: Id, payload: ChannelPatch):
    membership = _manager(request, org_slug)
    channel = _channel(membership, channel_id)
    data = payload.dict(exclude_unset=True)
    archived = data.pop("archived", None)
    if data:
        channel = services.channel_update(
            channel=channel, actor=request.auth, **_fields(membership, data)
        )
    if archived is not None:
        channel = services.channel_set_archived(
            channel=channel, actor=request.auth, archived=archived
        )
    return channel_out(channel)


@router.delete(
    "/organisations/{org_slug}/channels/{channel_id}",
    response={204: None, **ERRORS},
    summary="Archive a channel",
    description="Channels keep their history, so deleting archives; PATCH archived=false restores.",
)
def channel_delete(request, org_slug: str, channel_id: Id):
    membership = _manager(request, org_slug)
    services.channel_set_archived(
        channel=_channel(membership, channel_id), actor=request.auth, archived=True
    )
    return Status(204, None)


@router.post(
    "/organisations/{org_slug}/channels/{channel_id}/check",
    response={200: ConnectionReportOut, **ERRORS, 502: ErrorOut},
    summary="Check a channel's connection",
    description="Asks the network what works with the stored tokens (publishing, statistics, "
    "messages) and what is missing; marks the channel connected or needing reconnection.",
)
def channel_check(request, org_slug: str, channel_id: Id):
    membership = _manager(request, org_slug)
    channel = _channel(membership, channel_id)
    try:
        report = channel_check_connection(channel=channel, actor=request.auth)
    except ProviderError as error:
        raise ApiError(502, "network_error", error.message) from error
    channel.refresh_from_db(fields=["connection_state"])
    return {
        "can_post": report.can_post,
        "can_read_stats": report.can_read_stats,
        "can_message": report.can_message,
        "followers": report.followers,
        "problems": report.problems,
        "missing_tokens": report.missing_tokens,
        "connection_state": channel.connection_state,
    }
