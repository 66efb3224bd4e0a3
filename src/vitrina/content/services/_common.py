"""Helpers the content services share: locking variants, moving their state, telling people."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.content.models import Post, Variant
from vitrina.content.states import VariantState
from vitrina.core.exceptions import Conflict
from vitrina.core.models import User
from vitrina.core.notifications import notify


def being_published() -> Conflict:
    return Conflict(_("The post is already being published; it cannot be changed."))


def post_url(post: Post) -> str:
    return reverse("content:post", kwargs={"org": post.organisation.slug, "post_id": post.pk})


def locked_variants(post: Post) -> list[Variant]:
    return list(Variant.objects.select_for_update().filter(post=post).select_related("channel"))


def refuse_if_publishing(variants: list[Variant]) -> None:
    if any(variant.state == VariantState.PUBLISHING for variant in variants):
        raise being_published()


def move(
    variants: list[Variant], *, from_states: set, to_state: str, scheduled_at=None
) -> list[Variant]:
    """Moves the variants that are still in one of ``from_states``; returns those moved."""
    moved = []
    now = timezone.now()
    for variant in variants:
        if variant.state not in from_states:
            continue
        update = {"state": to_state, "updated_at": now}
        if to_state == VariantState.SCHEDULED:
            update.update(scheduled_at=scheduled_at or now, next_attempt_at=None)
        if Variant.objects.filter(pk=variant.pk, state=variant.state).update(**update):
            variant.state = to_state
            moved.append(variant)
    return moved


def tell(post: Post, users, text: str, actor: User | None) -> None:
    notify(
        users=[user for user in users if user is not None and user != actor],
        organisation=post.organisation,
        text=text,
        url=post_url(post),
    )
