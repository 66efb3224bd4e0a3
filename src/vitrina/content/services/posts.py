"""Writes of posts: creating, changing and deleting a post with its pictures and variants,
and the composer's save of all of it at once.

Editing a scheduled post is safe until the publishing engine claims it: the engine moves a
variant from ``scheduled`` to ``publishing`` with a conditional UPDATE, and every write here
locks the variants and changes only those still in an editable state.
"""

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.models import Channel
from vitrina.content.checks import POLL_MAX_ANSWERS, POLL_MIN_ANSWERS
from vitrina.content.models import MediaAsset, Post, PostMedia, Variant
from vitrina.content.services._common import locked_variants, refuse_if_publishing
from vitrina.content.services.approval import back_to_approval
from vitrina.content.services.media import media_describe, media_upload
from vitrina.content.services.rubrics import tags_from_names
from vitrina.content.services.templates import fill_placeholders
from vitrina.content.services.variants import (
    refuse_what_networks_refuse,
    variant_text_for,
    variant_update,
)
from vitrina.content.signals import post_media_changed
from vitrina.content.states import EDITABLE, VariantState
from vitrina.core import rules
from vitrina.core.audit import audit_record, diff_fields, snapshot
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Membership, Organisation, User

POST_FIELDS = (
    "library",
    "title",
    "text",
    "rubric",
    "series",
    "about_people",
    "link_url",
    "add_utm",
    "poll_question",
    "poll_answers",
    "poll_anonymous",
    "poll_multiple",
    "poll_ends_at",
    "scheduled_at",
)


def _validate_post(post: Post, *, channels: list[Channel]) -> None:
    organisation_id = post.organisation_id
    for name in ("library", "rubric", "series"):
        related = getattr(post, name)
        if related is not None and related.organisation_id != organisation_id:
            raise ServiceError(_("Choose from this organisation."), field=name)
    for channel in channels:
        if channel.organisation_id != organisation_id:
            raise ServiceError(_("Choose channels of this organisation."), field="channels")
    post.text = (post.text or "").replace("\r\n", "\n")
    post.poll_question = (post.poll_question or "").strip()
    answers = [str(answer).strip() for answer in (post.poll_answers or []) if str(answer).strip()]
    post.poll_answers = answers
    if post.poll_question or answers:
        if not post.poll_question:
            raise ServiceError(_("Write the poll question."), field="poll_question")
        if not POLL_MIN_ANSWERS <= len(answers) <= POLL_MAX_ANSWERS:
            raise ServiceError(
                _("A poll needs from %(min)s to %(max)s answers.")
                % {"min": POLL_MIN_ANSWERS, "max": POLL_MAX_ANSWERS},
                field="poll_answers",
            )
        if len({answer.lower() for answer in answers}) != len(answers):
            raise ServiceError(_("The poll answers repeat."), field="poll_answers")
        if post.poll_ends_at and post.poll_ends_at <= timezone.now():
            raise ServiceError(_("The poll must end in the future."), field="poll_ends_at")


def _sync_media(post: Post, media: list[MediaAsset]) -> None:
    for asset in media:
        if asset.organisation_id != post.organisation_id:
            raise ServiceError(_("Choose pictures of this organisation."), field="media")
    PostMedia.objects.filter(post=post).delete()
    PostMedia.objects.bulk_create(
        PostMedia(post=post, asset=asset, position=index) for index, asset in enumerate(media)
    )
    post_media_changed.send(sender=Post, post=post)


@transaction.atomic
def post_create(
    *,
    organisation: Organisation,
    actor: User | None,
    channels: list[Channel],
    media: list[MediaAsset] = (),
    tags: list[str] = (),
    source: str = Post.Source.EDITOR,
    guest_name: str = "",
    **fields,
) -> Post:
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}")
    post = Post(
        organisation=organisation,
        author=actor,
        source=source,
        guest_name=guest_name,
        **fields,
    )
    _validate_post(post, channels=channels)
    post.text = fill_placeholders(post.text, post)
    post.save()
    post.tags.set(tags_from_names(organisation=organisation, names=list(tags)))
    _sync_media(post, list(media))
    Variant.objects.bulk_create(
        Variant(
            post=post,
            channel=channel,
            text=variant_text_for(post, channel),
            scheduled_at=post.scheduled_at,
        )
        for channel in dict.fromkeys(channels)
    )
    audit_record(
        action="post.created",
        organisation=organisation,
        actor=actor,
        obj=post,
        changes={
            "channels": [None, [channel.name for channel in channels]],
            "scheduled_at": [None, post.scheduled_at],
        },
    )
    return post


@transaction.atomic
def post_update(
    *,
    post: Post,
    actor: User | None,
    channels: list[Channel] | None = None,
    media: list[MediaAsset] | None = None,
    tags: list[str] | None = None,
    membership: Membership | None = None,
    **fields,
) -> Post:
    """Changes the post and every variant that may still change; refuses once publishing.

    When someone who may not publish changes an approved post, it goes back for approval.
    """
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}")
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = locked_variants(post)
    refuse_if_publishing(variants)
    editable = [variant for variant in variants if variant.state in EDITABLE]
    if variants and not editable:
        raise Conflict(_("Every variant of this post is already published or cancelled."))
    before = snapshot(post, POST_FIELDS)
    for name, value in fields.items():
        setattr(post, name, value)
    current_channels = [variant.channel for variant in variants]
    _validate_post(post, channels=channels if channels is not None else current_channels)
    post.text = fill_placeholders(post.text, post)
    post.save()
    if tags is not None:
        post.tags.set(tags_from_names(organisation=post.organisation, names=list(tags)))
    if media is not None:
        _sync_media(post, list(media))
    removed, added = [], []
    if channels is not None:
        wanted = {channel.pk: channel for channel in channels}
        for variant in variants:
            if variant.channel_id in wanted:
                continue
            if variant.state in EDITABLE:
                removed.append(variant.channel.name)
                if variant.attempt_count:
                    variant.state = VariantState.CANCELLED
                    variant.save(update_fields=["state", "updated_at"])
                else:
                    variant.delete()
        have = {variant.channel_id for variant in variants}
        for channel in channels:
            if channel.pk not in have:
                added.append(channel.name)
                initial = VariantState.DRAFT
                states = {v.state for v in editable}
                if len(states) == 1:
                    initial = next(iter(states))
                Variant.objects.create(
                    post=post,
                    channel=channel,
                    text=variant_text_for(post, channel),
                    scheduled_at=post.scheduled_at,
                    state=initial,
                )
    kept = {channel.pk for channel in channels} if channels is not None else None
    for variant in editable:
        if kept is not None and variant.channel_id not in kept:
            continue
        update = {"scheduled_at": post.scheduled_at}
        if not variant.customised:
            update["text"] = variant_text_for(post, variant.channel)
        Variant.objects.filter(pk=variant.pk, state__in=EDITABLE).update(
            updated_at=timezone.now(), **update
        )
    refuse_what_networks_refuse(post)
    changes = diff_fields(before, snapshot(post, POST_FIELDS))
    if added:
        changes["channels_added"] = [None, added]
    if removed:
        changes["channels_removed"] = [removed, None]
    if changes or media is not None:
        audit_record(
            action="post.changed",
            organisation=post.organisation,
            actor=actor,
            obj=post,
            changes=changes,
        )
        back_to_approval(post, membership, actor)
    return post


@transaction.atomic
def post_compose(
    *,
    membership: Membership,
    actor: User | None,
    post: Post | None = None,
    channels: list[Channel] | None = None,
    media: list[MediaAsset] | None = None,
    uploads: Sequence[tuple[str, bytes]] = (),
    alt_texts: Mapping[int, str] | None = None,
    texts: Mapping[int, str] | None = None,
    tags: list[str] | None = None,
    source: str = Post.Source.EDITOR,
    **fields,
) -> Post:
    """Stores what the composer sends, all of it or nothing, in one transaction.

    ``post`` is None for a new post. ``media`` are the chosen pictures in their order;
    ``uploads`` (name, bytes) join them at the end, new to the media library; ``alt_texts``
    describe chosen pictures by id; ``texts`` give channels (by id) a text of their own.
    ``channels``, ``media`` and ``tags`` left as None keep what the post has. Whatever is
    refused — a field, a channel or a picture of another organisation, a post the engine
    has claimed (409) — leaves the post, its pictures and the media library as they were.
    """
    if not rules.can_write_posts(membership):
        raise ServiceError(_("Your role may not write posts."), code="forbidden")
    organisation = membership.organisation
    if post is not None:
        # Refused before any picture is converted: the engine has the post.
        post = Post.objects.select_for_update().get(pk=post.pk)
        refuse_if_publishing(locked_variants(post))
    for asset in media or []:
        if asset.organisation_id != organisation.pk:
            raise ServiceError(_("Choose pictures of this organisation."), field="media")
        alt_text = (alt_texts or {}).get(asset.pk)
        if alt_text is not None and alt_text.strip() != asset.alt_text:
            media_describe(asset=asset, actor=actor, alt_text=alt_text)
    uploaded = [
        media_upload(organisation=organisation, actor=actor, data=data, name=name)
        for name, data in uploads
    ]
    if uploaded:
        if media is None:
            media = (
                [item.asset for item in post.media_items.select_related("asset")] if post else []
            )
        media = list(media) + [asset for asset in uploaded if asset not in media]
    if post is None:
        post = post_create(
            organisation=organisation,
            actor=actor,
            channels=list(channels or []),
            media=list(media or []),
            tags=list(tags or []),
            source=source,
            **fields,
        )
    else:
        post = post_update(
            post=post,
            actor=actor,
            membership=membership,
            channels=channels,
            media=media,
            tags=tags,
            **fields,
        )
    if texts:
        variants = {variant.channel_id: variant for variant in post.variants.all()}
        for channel_id, text in texts.items():
            if channel_id not in variants:
                raise ServiceError(
                    _("Choose the channel before writing its own text."), field="channels"
                )
            variant_update(
                variant=variants[channel_id], actor=actor, text=text, membership=membership
            )
    return post


@transaction.atomic
def post_delete(*, post: Post, actor: User | None) -> None:
    """Deletes a post that never went out (published ones are deleted from the network)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = locked_variants(post)
    refuse_if_publishing(variants)
    if any(
        variant.state in {VariantState.PUBLISHED, VariantState.NEEDS_CHECK} for variant in variants
    ):
        raise Conflict(
            _("The post is on a network: delete it from the network first."), code="published"
        )
    audit_record(action="post.deleted", organisation=post.organisation, actor=actor, obj=post)
    post.delete()
