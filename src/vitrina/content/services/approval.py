"""Approval: an author sends a post for approval, an editor approves it or returns it."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.content.models import Post, Variant
from vitrina.content.services._common import locked_variants, move, refuse_if_publishing, tell
from vitrina.content.services.variants import post_problems
from vitrina.content.states import VariantState
from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Membership, User
from vitrina.core.notifications import members_with
from vitrina.core.roles import Permission


def back_to_approval(post: Post, membership: Membership | None, actor: User | None) -> None:
    if membership is None or rules.can_publish(membership):
        return
    variants = locked_variants(post)
    moved = move(
        variants, from_states={VariantState.SCHEDULED}, to_state=VariantState.PENDING_APPROVAL
    )
    if moved:
        audit_record(action="post.submitted", organisation=post.organisation, actor=actor, obj=post)
        tell(
            post,
            members_with(post.organisation, Permission.PUBLISH),
            _("A changed post awaits approval again: %(post)s") % {"post": post},
            actor,
        )


def _check_ready(post: Post, variants: list[Variant]) -> None:
    if not variants:
        raise ServiceError(_("Choose at least one channel."), field="channels")
    problems = post_problems(post)
    if problems:
        name, found = next(iter(problems.items()))
        raise ServiceError(f"{name}: {found[0]}")
    if post.scheduled_at and post.scheduled_at < timezone.now() - timedelta(minutes=5):
        raise ServiceError(
            _("The publication time has passed; choose another."), field="scheduled_at"
        )


def _publish_time(post: Post) -> None:
    """A post scheduled with no time goes out at once: the calendar shows it now."""
    if post.scheduled_at is None:
        post.scheduled_at = timezone.now()
        post.save(update_fields=["scheduled_at", "updated_at"])


@transaction.atomic
def post_submit(*, post: Post, actor: User | None, membership: Membership) -> Post:
    """An author sends the post for approval; an editor's post is scheduled at once."""
    if not rules.can_write_posts(membership):
        raise ServiceError(_("Your role may not write posts."), code="forbidden")
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = locked_variants(post)
    refuse_if_publishing(variants)
    _check_ready(post, variants)
    start = {VariantState.DRAFT, VariantState.CANCELLED}
    if rules.can_publish(membership):
        _publish_time(post)
        moved = move(
            variants,
            from_states=start | {VariantState.PENDING_APPROVAL},
            to_state=VariantState.SCHEDULED,
            scheduled_at=post.scheduled_at,
        )
        action = "post.scheduled"
    else:
        moved = move(variants, from_states=start, to_state=VariantState.PENDING_APPROVAL)
        action = "post.submitted"
    if not moved:
        raise Conflict(_("Nothing to send: the post is already submitted or scheduled."))
    post.approval_comment = ""
    post.save(update_fields=["approval_comment", "updated_at"])
    audit_record(
        action=action,
        organisation=post.organisation,
        actor=actor,
        obj=post,
        changes={"channels": [None, [variant.channel.name for variant in moved]]},
    )
    if action == "post.submitted":
        tell(
            post,
            members_with(post.organisation, Permission.PUBLISH),
            _("A post awaits approval: %(post)s") % {"post": post},
            actor,
        )
    return post


@transaction.atomic
def post_approve(*, post: Post, actor: User | None, membership: Membership) -> Post:
    if not rules.can_publish(membership):
        raise ServiceError(_("Only editors approve posts."), code="forbidden")
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = locked_variants(post)
    _publish_time(post)
    _check_ready(post, [v for v in variants if v.state == VariantState.PENDING_APPROVAL])
    moved = move(
        variants,
        from_states={VariantState.PENDING_APPROVAL},
        to_state=VariantState.SCHEDULED,
        scheduled_at=post.scheduled_at,
    )
    if not moved:
        raise Conflict(_("The post is not awaiting approval."))
    post.approval_comment = ""
    post.save(update_fields=["approval_comment", "updated_at"])
    audit_record(action="post.approved", organisation=post.organisation, actor=actor, obj=post)
    tell(post, [post.author], _("Your post is approved: %(post)s") % {"post": post}, actor)
    return post


@transaction.atomic
def post_return(*, post: Post, actor: User | None, membership: Membership, comment: str) -> Post:
    if not rules.can_publish(membership):
        raise ServiceError(_("Only editors approve posts."), code="forbidden")
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Say what to change."), field="comment")
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = locked_variants(post)
    moved = move(variants, from_states={VariantState.PENDING_APPROVAL}, to_state=VariantState.DRAFT)
    if not moved:
        raise Conflict(_("The post is not awaiting approval."))
    post.approval_comment = comment
    post.save(update_fields=["approval_comment", "updated_at"])
    audit_record(
        action="post.returned",
        organisation=post.organisation,
        actor=actor,
        obj=post,
        changes={"comment": [None, comment]},
    )
    tell(
        post,
        [post.author],
        _("Your post is returned: %(comment)s") % {"comment": comment},
        actor,
    )
    return post
