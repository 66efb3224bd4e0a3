"""Reads of reports and figures, scoped to the acting membership."""

from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Max, Min, QuerySet

from vitrina.analytics.collect import collectable_channels
from vitrina.analytics.models import AccountSnapshot, PostLatest, Report
from vitrina.channels.models import Channel
from vitrina.core.models import Membership
from vitrina.core.rules import limited_library_ids
from vitrina.exhibitions.models import Exhibition


def report_list(*, membership: Membership) -> QuerySet[Report]:
    """A membership limited to some libraries sees only those libraries' reports."""
    reports = Report.objects.filter(organisation=membership.organisation).select_related(
        "library", "tag"
    )
    limited = limited_library_ids(membership)
    if limited is not None:
        reports = reports.filter(library_id__in=limited)
    return reports


def report_get(*, membership: Membership, pk: int) -> Report | None:
    return report_list(membership=membership).filter(pk=pk).first()


def report_by_id(pk: int) -> Report | None:
    """Any organisation's report, for the operator's command line (no person acts)."""
    return Report.objects.select_related("organisation", "library", "tag").filter(pk=pk).first()


def channel_for_figures(*, membership: Membership, pk: int) -> Channel | None:
    channels = Channel.objects.filter(organisation=membership.organisation, pk=pk)
    limited = limited_library_ids(membership)
    if limited is not None:
        channels = channels.filter(library_id__in=limited)
    return channels.select_related("library").first()


def collectable_channels_of(*, membership: Membership):
    """The connected channels of the organisation the membership sees."""
    channels = collectable_channels().filter(organisation=membership.organisation)
    limited = limited_library_ids(membership)
    if limited is not None:
        channels = channels.filter(library_id__in=limited)
    return channels.select_related("collection").order_by("name")


def recent_figures(channel: Channel, limit: int = 60) -> list[AccountSnapshot]:
    return list(AccountSnapshot.objects.filter(channel=channel).order_by("-day")[:limit])


def recent_post_figures(channel: Channel, limit: int = 60) -> list[PostLatest]:
    """The channel's latest posts with their newest figures, whoever made them."""
    return list(
        PostLatest.objects.filter(channel=channel)
        .select_related("variant__post")
        .order_by("-published_at", "-pk")[:limit]
    )


def exhibition_days(*, exhibition: Exhibition, zone: str) -> tuple[date, date] | None:
    """The first and the last day (in the zone) its posts with figures came out on."""
    span = PostLatest.objects.filter(
        variant__post__series__exhibition=exhibition, published_at__isnull=False
    ).aggregate(first=Min("published_at"), last=Max("published_at"))
    if span["first"] is None:
        return None
    place = ZoneInfo(zone)
    return span["first"].astimezone(place).date(), span["last"].astimezone(place).date()
