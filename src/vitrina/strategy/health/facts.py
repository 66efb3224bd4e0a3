"""A librarian's confirmation of an official page's facts the network does not tell."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.models import Channel
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.strategy.health.pages import facts_for, official_networks
from vitrina.strategy.models import PageFact
from vitrina.strategy.rules import can_edit_strategy


def page_fact_set(*, membership: Membership, channel_id: int, fact: str, confirmed: bool):
    """Confirm a fact of a page (or take the confirmation back)."""
    if not can_edit_strategy(membership):
        raise ServiceError(_("Administrators and editors confirm the pages."), code="forbidden")
    channel = Channel.objects.filter(
        organisation=membership.organisation,
        pk=channel_id,
        archived_at__isnull=True,
        network__in=official_networks(),
    ).first()
    if channel is None:
        raise ServiceError(_("No such official page."), code="not_found")
    if fact not in facts_for(channel.network):
        raise ServiceError(_("This fact is not checked on this network."), code="invalid")
    with transaction.atomic():
        if confirmed:
            PageFact.objects.update_or_create(
                channel=channel,
                fact=fact,
                defaults={"confirmed_by": membership.user, "confirmed_at": timezone.now()},
            )
        else:
            PageFact.objects.filter(channel=channel, fact=fact).delete()
    return channel
