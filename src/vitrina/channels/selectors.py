"""Reads of the channels registry, scoped to the acting membership."""

from dataclasses import dataclass

from django.db.models import QuerySet

from vitrina.channels.models import Channel, ChannelSecret
from vitrina.core.models import Membership
from vitrina.core.rules import limited_library_ids


@dataclass
class ChannelFilter:
    library_id: int | None = None
    network: str = ""
    archived: bool = False


def channel_list(
    *, membership: Membership, filters: ChannelFilter | None = None
) -> QuerySet[Channel]:
    filters = filters or ChannelFilter()
    channels = Channel.objects.filter(organisation=membership.organisation).select_related(
        "library"
    )
    limited = limited_library_ids(membership)
    if limited is not None:
        channels = channels.filter(library_id__in=limited)
    channels = channels.filter(archived_at__isnull=not filters.archived)
    if filters.library_id:
        channels = channels.filter(library_id=filters.library_id)
    if filters.network:
        channels = channels.filter(network=filters.network)
    return channels.order_by("library__name", "network", "name")


def channel_get(*, membership: Membership, pk: int) -> Channel | None:
    channels = Channel.objects.filter(organisation=membership.organisation, pk=pk)
    limited = limited_library_ids(membership)
    if limited is not None:
        channels = channels.filter(library_id__in=limited)
    return channels.select_related("library", "organisation").first()


def channel_secrets(channel: Channel) -> dict[str, ChannelSecret]:
    """Which tokens a channel holds (their kind and dates, never their values)."""
    return {
        secret.kind: secret
        for secret in ChannelSecret.objects.filter(channel=channel).only(
            "kind", "expires_at", "updated_at", "channel_id"
        )
    }
