"""Variants: each channel's copy of a post's text, edited apart, and what networks refuse."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.models import Channel
from vitrina.content.checks import check_variant, utm_text
from vitrina.content.models import Post, Variant
from vitrina.content.services._common import being_published, tell
from vitrina.content.states import EDITABLE, VariantState
from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Library, Membership, User
from vitrina.core.notifications import members_with
from vitrina.core.roles import Permission


def _sites(post: Post) -> list[str]:
    """The library's own sites; for a post of the whole organisation, those of every library."""
    if post.library_id:
        libraries = [post.library]
    else:
        libraries = Library.objects.filter(organisation_id=post.organisation_id).only(
            "website_url", "catalogue_url", "elibrary_url"
        )
    return [
        url
        for library in libraries
        for url in (library.website_url, library.catalogue_url, library.elibrary_url)
        if url
    ]


def variant_text_for(post: Post, channel: Channel) -> str:
    """The post's text as this channel gets it: links to the library's sites marked."""
    if not post.add_utm:
        return post.text
    campaign = ""
    if post.rubric_id:
        campaign = post.rubric.utm_campaign or post.rubric.name
    return utm_text(
        post.text, sites=_sites(post), network=channel.network, campaign=campaign.strip()
    )


@transaction.atomic
def variant_update(
    *, variant: Variant, actor: User | None, text: str, membership: Membership | None = None
) -> Variant:
    """The text of one channel's variant, edited apart from the post."""
    variant = (
        Variant.objects.select_for_update().select_related("post", "channel").get(pk=variant.pk)
    )
    if variant.state == VariantState.PUBLISHING:
        raise being_published()
    if variant.state not in EDITABLE:
        raise Conflict(
            _("This variant is %(state)s; it cannot be changed.")
            % {"state": variant.get_state_display().lower()}
        )
    text = (text or "").replace("\r\n", "\n")
    copy = variant_text_for(variant.post, variant.channel)
    before = variant.text
    variant.text = text if text.strip() else copy
    variant.customised = variant.text != copy
    updated = Variant.objects.filter(pk=variant.pk, state__in=EDITABLE).update(
        text=variant.text, customised=variant.customised, updated_at=timezone.now()
    )
    if not updated:
        raise being_published()
    refuse_what_networks_refuse(variant.post)
    if before != variant.text:
        audit_record(
            action="variant.changed",
            organisation=variant.post.organisation,
            actor=actor,
            obj=variant,
            changes={"text": [before, variant.text]},
        )
        if (
            membership is not None
            and not rules.can_publish(membership)
            and variant.state == VariantState.SCHEDULED
        ):
            Variant.objects.filter(pk=variant.pk, state=VariantState.SCHEDULED).update(
                state=VariantState.PENDING_APPROVAL, updated_at=timezone.now()
            )
            variant.state = VariantState.PENDING_APPROVAL
            audit_record(
                action="post.submitted",
                organisation=variant.post.organisation,
                actor=actor,
                obj=variant.post,
            )
            tell(
                variant.post,
                members_with(variant.post.organisation, Permission.PUBLISH),
                _("A changed post awaits approval again: %(post)s") % {"post": variant.post},
                actor,
            )
    return variant


def refuse_what_networks_refuse(post: Post) -> None:
    """A post on its way to the networks must stay within what they accept."""
    waiting = {VariantState.SCHEDULED, VariantState.PENDING_APPROVAL}
    if not Variant.objects.filter(post=post, state__in=waiting).exists():
        return
    problems = post_problems(post)
    if problems:
        name, found = next(iter(problems.items()))
        raise ServiceError(f"{name}: {found[0]}")


def post_problems(post: Post) -> dict[str, list[str]]:
    """What each channel would refuse, by channel name; empty when the post may go out."""
    media_count = post.media_items.count()
    problems = {}
    for variant in post.variants.select_related("channel"):
        found = check_variant(
            network=variant.channel.network,
            text=variant.effective_text,
            media_count=media_count,
            poll_question=post.poll_question,
            poll_answers=post.poll_answers,
        )
        if found:
            problems[variant.channel.name] = found
    return problems
