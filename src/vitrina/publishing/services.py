"""What people do to publications: retry, settle an unverifiable one, delete from a network."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.connect import provider_account
from vitrina.channels.providers.errors import ProviderError
from vitrina.channels.providers.registry import get_provider, is_connectable
from vitrina.content.models import Post, Variant
from vitrina.content.services import scheduling as content_scheduling
from vitrina.content.states import EDITABLE, VariantState
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import User
from vitrina.publishing.models import PublishAttempt


def _locked(variant: Variant, allowed: set[str], message: str) -> Variant:
    variant = (
        Variant.objects.select_for_update().select_related("post__organisation").get(pk=variant.pk)
    )
    if variant.state not in allowed:
        raise Conflict(message, code="wrong_state")
    return variant


@transaction.atomic
def variant_retry(*, variant: Variant, actor: User | None) -> Variant:
    """Publish a failed (or reconnected) variant again, now."""
    variant = _locked(
        variant,
        {VariantState.FAILED, VariantState.NEEDS_RECONNECT},
        _("Only a post that failed can be sent again."),
    )
    variant.state = VariantState.SCHEDULED
    variant.next_attempt_at = timezone.now()
    # The retry window starts again from now.
    variant.scheduled_at = timezone.now()
    variant.last_error = variant.last_error_code = ""
    variant.save()
    audit_record(
        action="variant.retried", organisation=variant.post.organisation, actor=actor, obj=variant
    )
    return variant


@transaction.atomic
def variant_resolve_check(
    *, variant: Variant, actor: User | None, published: bool, url: str = ""
) -> Variant:
    """A person looked at the network: the post is there (with its address) or it is not."""
    variant = _locked(
        variant, {VariantState.NEEDS_CHECK}, _("This post does not wait for a check.")
    )
    now = timezone.now()
    PublishAttempt.objects.create(
        variant=variant,
        started_at=now,
        finished_at=now,
        outcome=PublishAttempt.Outcome.FOUND if published else PublishAttempt.Outcome.NOT_FOUND,
        detail=_("Checked by %(person)s") % {"person": actor} if actor else "",
    )
    if published:
        variant.state = VariantState.PUBLISHED
        variant.external_url = url.strip()[:300]
        variant.published_at = now
        variant.last_error = ""
    else:
        variant.state = VariantState.SCHEDULED
        variant.next_attempt_at = now
        variant.scheduled_at = now
    variant.save()
    audit_record(
        action="variant.checked",
        organisation=variant.post.organisation,
        actor=actor,
        obj=variant,
        changes={"published": [None, published]},
    )
    return variant


def variant_delete_from_network(*, variant: Variant, actor: User | None) -> Variant:
    """Remove a published post from its network (the person has confirmed)."""
    with transaction.atomic():
        variant = _locked(
            variant, {VariantState.PUBLISHED}, _("Only a published post can be deleted.")
        )
        if not variant.external_id:
            raise ServiceError(
                _("Vitrina does not know this post's id on the network; delete it there.")
            )
        if not is_connectable(variant.channel.network):
            # The channel was moved to a network Vitrina does not publish to.
            raise ServiceError(
                _("Vitrina is not connected to this channel's network; delete the post there.")
            )
    started = timezone.now()
    try:
        get_provider(variant.channel.network).delete(
            provider_account(variant.channel), variant.external_id
        )
    except ProviderError as error:
        raise ServiceError(
            _("The network did not delete the post: %(reason)s") % {"reason": error.message},
            code="network_refused",
        ) from error
    with transaction.atomic():
        PublishAttempt.objects.create(
            variant=variant,
            started_at=started,
            finished_at=timezone.now(),
            outcome=PublishAttempt.Outcome.DELETED,
            detail=_("Deleted by %(person)s") % {"person": actor} if actor else "",
        )
        Variant.objects.filter(pk=variant.pk).update(
            state=VariantState.DELETED, updated_at=timezone.now()
        )
        variant.state = VariantState.DELETED
        audit_record(
            action="variant.deleted",
            organisation=variant.post.organisation,
            actor=actor,
            obj=variant,
            changes={"url": [variant.external_url, None]},
        )
    return variant


def post_delete_from_networks(*, post: Post, actor: User | None) -> int:
    """Remove the post from every network it is on, and cancel it where it is not yet.

    Returns how many variants were deleted from their networks. Each deletion is its own
    service call (the network is called outside any transaction); the first refusal stops
    the rest and is raised, what was deleted before it stays deleted.
    """
    deleted = 0
    for variant in post.variants.all():
        if variant.state == VariantState.PUBLISHED:
            variant_delete_from_network(variant=variant, actor=actor)
            deleted += 1
    if any(variant.state in EDITABLE for variant in post.variants.all()):
        content_scheduling.post_cancel(post=post, actor=actor)
    return deleted
