"""Writes for posts, their variants, media, rubrics, series, slots and recurring posts.

Every state change goes to the audit log and tells the people concerned. Editing a
scheduled post is safe until the publishing engine claims it: the engine moves a variant
from ``scheduled`` to ``publishing`` with a conditional UPDATE, and every write here locks
the variants and changes only those still in an editable state.
"""

import hashlib
import os
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.models import Channel
from vitrina.content import images
from vitrina.content.checks import (
    POLL_MAX_ANSWERS,
    POLL_MIN_ANSWERS,
    check_variant,
    utm_text,
)
from vitrina.content.models import (
    GuestLink,
    MediaAsset,
    Post,
    PostingSlot,
    PostMedia,
    Recurrence,
    Rubric,
    Series,
    Tag,
    Template,
    TextBlock,
    Variant,
)
from vitrina.content.signals import post_media_changed
from vitrina.content.states import EDITABLE, VariantState
from vitrina.core import rules
from vitrina.core.audit import audit_changes, audit_record, diff_fields, snapshot
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Library, Membership, Organisation, User
from vitrina.core.notifications import members_with, notify
from vitrina.core.roles import Permission


def _being_published() -> Conflict:
    return Conflict(_("The post is already being published; it cannot be changed."))


# ---------------------------------------------------------------- rubrics, series, tags

RUBRIC_FIELDS = ("name", "colour", "target_per_week", "description", "utm_campaign")
SERIES_FIELDS = ("name", "rubric", "starts_on", "ends_on", "description")


def _check_name(model, organisation, name, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Enter the name."), field="name")
    # Compared in Python: SQLite folds the case of Latin letters only.
    others = model.objects.filter(organisation=organisation).exclude(pk=exclude_pk)
    if any(other.casefold() == name.casefold() for other in others.values_list("name", flat=True)):
        raise Conflict(_("“%(name)s” already exists.") % {"name": name}, field="name")
    return name


@transaction.atomic
def rubric_save(
    *, organisation: Organisation, actor: User | None, rubric: Rubric | None = None, **fields
) -> Rubric:
    creating = rubric is None
    rubric = rubric or Rubric(organisation=organisation)
    before = {} if creating else snapshot(rubric, RUBRIC_FIELDS)
    for name, value in fields.items():
        if name not in RUBRIC_FIELDS:
            raise ServiceError(f"Unknown field: {name}")
        setattr(rubric, name, value)
    rubric.name = _check_name(Rubric, organisation, rubric.name, rubric.pk)
    colour = (rubric.colour or "").strip().lower()
    if len(colour) != 7 or not colour.startswith("#"):
        raise ServiceError(_("Choose a colour such as #1f5f8b."), field="colour")
    rubric.colour = colour
    rubric.save()
    audit_changes(
        action="rubric.created" if creating else "rubric.changed",
        organisation=organisation,
        actor=actor,
        obj=rubric,
        before=before,
        fields=RUBRIC_FIELDS,
    )
    return rubric


@transaction.atomic
def series_save(
    *, organisation: Organisation, actor: User | None, series: Series | None = None, **fields
) -> Series:
    creating = series is None
    series = series or Series(organisation=organisation)
    before = {} if creating else snapshot(series, SERIES_FIELDS)
    for name, value in fields.items():
        if name not in SERIES_FIELDS:
            raise ServiceError(f"Unknown field: {name}")
        setattr(series, name, value)
    series.name = _check_name(Series, organisation, series.name, series.pk)
    if series.rubric_id and series.rubric.organisation_id != organisation.pk:
        raise ServiceError(_("Choose a rubric of this organisation."), field="rubric")
    if series.starts_on and series.ends_on and series.ends_on < series.starts_on:
        raise ServiceError(_("The end comes before the start."), field="ends_on")
    series.save()
    audit_changes(
        action="series.created" if creating else "series.changed",
        organisation=organisation,
        actor=actor,
        obj=series,
        before=before,
        fields=SERIES_FIELDS,
    )
    return series


def tags_from_names(*, organisation: Organisation, names: list[str]) -> list[Tag]:
    tags = []
    known = {tag.name.casefold(): tag for tag in Tag.objects.filter(organisation=organisation)}
    for raw in names:
        name = raw.strip().lstrip("#").strip()[:60]
        if not name:
            continue
        tag = known.get(name.casefold())
        if tag is None:
            tag = known[name.casefold()] = Tag.objects.create(organisation=organisation, name=name)
        if tag not in tags:
            tags.append(tag)
    return tags


# ---------------------------------------------------------------- media


@transaction.atomic
def media_upload(
    *, organisation: Organisation, actor: User | None, data: bytes, name: str, alt_text: str = ""
) -> MediaAsset:
    """Adds a picture to the organisation's library; the same picture twice is kept once."""
    converted = images.convert_image(data, name=name)
    existing = MediaAsset.objects.filter(organisation=organisation, sha256=converted.sha256).first()
    if existing is not None:
        return existing
    base = os.path.splitext(os.path.basename(name))[0][:80] or "image"
    asset = MediaAsset(
        organisation=organisation,
        original_name=os.path.basename(name)[:255] or base,
        content_type=converted.content_type,
        width=converted.width,
        height=converted.height,
        size=len(converted.content),
        sha256=converted.sha256,
        alt_text=alt_text[:500],
        uploaded_by=actor,
    )
    asset.file.save(f"{base}.{converted.extension}", ContentFile(converted.content), save=False)
    asset.save()
    audit_record(action="media.uploaded", organisation=organisation, actor=actor, obj=asset)
    return asset


@transaction.atomic
def media_describe(*, asset: MediaAsset, actor: User | None, alt_text: str) -> MediaAsset:
    before = asset.alt_text
    asset.alt_text = (alt_text or "").strip()[:500]
    asset.save(update_fields=["alt_text"])
    if before != asset.alt_text:
        audit_record(
            action="media.described",
            organisation=asset.organisation,
            actor=actor,
            obj=asset,
            changes={"alt_text": [before, asset.alt_text]},
        )
    return asset


# ---------------------------------------------------------------- posts

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


def post_url(post: Post) -> str:
    return reverse("content:post", kwargs={"org": post.organisation.slug, "post_id": post.pk})


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


def _locked_variants(post: Post) -> list[Variant]:
    return list(Variant.objects.select_for_update().filter(post=post).select_related("channel"))


def _refuse_if_publishing(variants: list[Variant]) -> None:
    if any(variant.state == VariantState.PUBLISHING for variant in variants):
        raise _being_published()


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
    variants = _locked_variants(post)
    _refuse_if_publishing(variants)
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
    _refuse_what_networks_refuse(post)
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
        _back_to_approval(post, membership, actor)
    return post


@transaction.atomic
def variant_update(
    *, variant: Variant, actor: User | None, text: str, membership: Membership | None = None
) -> Variant:
    """The text of one channel's variant, edited apart from the post."""
    variant = (
        Variant.objects.select_for_update().select_related("post", "channel").get(pk=variant.pk)
    )
    if variant.state == VariantState.PUBLISHING:
        raise _being_published()
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
        raise _being_published()
    _refuse_what_networks_refuse(variant.post)
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
            _tell(
                variant.post,
                members_with(variant.post.organisation, Permission.PUBLISH),
                _("A changed post awaits approval again: %(post)s") % {"post": variant.post},
                actor,
            )
    return variant


def _refuse_what_networks_refuse(post: Post) -> None:
    """A post on its way to the networks must stay within what they accept."""
    waiting = {VariantState.SCHEDULED, VariantState.PENDING_APPROVAL}
    if not Variant.objects.filter(post=post, state__in=waiting).exists():
        return
    problems = post_problems(post)
    if problems:
        name, found = next(iter(problems.items()))
        raise ServiceError(f"{name}: {found[0]}")


def _back_to_approval(post: Post, membership: Membership | None, actor: User | None) -> None:
    if membership is None or rules.can_publish(membership):
        return
    variants = _locked_variants(post)
    moved = _move(
        variants, from_states={VariantState.SCHEDULED}, to_state=VariantState.PENDING_APPROVAL
    )
    if moved:
        audit_record(action="post.submitted", organisation=post.organisation, actor=actor, obj=post)
        _tell(
            post,
            members_with(post.organisation, Permission.PUBLISH),
            _("A changed post awaits approval again: %(post)s") % {"post": post},
            actor,
        )


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


def _move(
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


def _tell(post: Post, users, text: str, actor: User | None) -> None:
    notify(
        users=[user for user in users if user is not None and user != actor],
        organisation=post.organisation,
        text=text,
        url=post_url(post),
    )


@transaction.atomic
def post_submit(*, post: Post, actor: User | None, membership: Membership) -> Post:
    """An author sends the post for approval; an editor's post is scheduled at once."""
    if not rules.can_write_posts(membership):
        raise ServiceError(_("Your role may not write posts."), code="forbidden")
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = _locked_variants(post)
    _refuse_if_publishing(variants)
    _check_ready(post, variants)
    start = {VariantState.DRAFT, VariantState.CANCELLED}
    if rules.can_publish(membership):
        _publish_time(post)
        moved = _move(
            variants,
            from_states=start | {VariantState.PENDING_APPROVAL},
            to_state=VariantState.SCHEDULED,
            scheduled_at=post.scheduled_at,
        )
        action = "post.scheduled"
    else:
        moved = _move(variants, from_states=start, to_state=VariantState.PENDING_APPROVAL)
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
        _tell(
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
    variants = _locked_variants(post)
    _publish_time(post)
    _check_ready(post, [v for v in variants if v.state == VariantState.PENDING_APPROVAL])
    moved = _move(
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
    _tell(post, [post.author], _("Your post is approved: %(post)s") % {"post": post}, actor)
    return post


@transaction.atomic
def post_return(*, post: Post, actor: User | None, membership: Membership, comment: str) -> Post:
    if not rules.can_publish(membership):
        raise ServiceError(_("Only editors approve posts."), code="forbidden")
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Say what to change."), field="comment")
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = _locked_variants(post)
    moved = _move(
        variants, from_states={VariantState.PENDING_APPROVAL}, to_state=VariantState.DRAFT
    )
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
    _tell(
        post,
        [post.author],
        _("Your post is returned: %(comment)s") % {"comment": comment},
        actor,
    )
    return post


@transaction.atomic
def post_unschedule(*, post: Post, actor: User | None) -> Post:
    """Back to a draft, as long as the engine has not claimed it."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = _locked_variants(post)
    _refuse_if_publishing(variants)
    moved = _move(
        variants,
        from_states={VariantState.SCHEDULED, VariantState.PENDING_APPROVAL},
        to_state=VariantState.DRAFT,
    )
    if not moved:
        raise Conflict(_("The post is not scheduled."))
    audit_record(action="post.unscheduled", organisation=post.organisation, actor=actor, obj=post)
    return post


@transaction.atomic
def post_cancel(*, post: Post, actor: User | None) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = _locked_variants(post)
    _refuse_if_publishing(variants)
    moved = _move(variants, from_states=set(EDITABLE), to_state=VariantState.CANCELLED)
    if not moved:
        raise Conflict(_("Nothing to cancel."))
    audit_record(
        action="post.cancelled",
        organisation=post.organisation,
        actor=actor,
        obj=post,
        changes={"channels": [[variant.channel.name for variant in moved], None]},
    )
    _tell(post, [post.author], _("The post is cancelled: %(post)s") % {"post": post}, actor)
    return post


@transaction.atomic
def post_reschedule(*, post: Post, actor: User | None, scheduled_at: datetime) -> Post:
    """A new time (from the calendar); refused once any variant is being published."""
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise ServiceError(_("Choose the date and time."), field="scheduled_at")
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = _locked_variants(post)
    _refuse_if_publishing(variants)
    movable = [v for v in variants if v.state in EDITABLE]
    if variants and not movable:
        raise Conflict(_("The post is already published; its time cannot change."))
    if scheduled_at < timezone.now() - timedelta(minutes=5) and any(
        v.state == VariantState.SCHEDULED for v in movable
    ):
        raise ServiceError(
            _("The publication time has passed; choose another."), field="scheduled_at"
        )
    before = post.scheduled_at
    post.scheduled_at = scheduled_at
    post.save(update_fields=["scheduled_at", "updated_at"])
    for variant in movable:
        if not Variant.objects.filter(pk=variant.pk, state__in=EDITABLE).update(
            scheduled_at=scheduled_at, updated_at=timezone.now()
        ):
            raise _being_published()
    audit_record(
        action="post.rescheduled",
        organisation=post.organisation,
        actor=actor,
        obj=post,
        changes={"scheduled_at": [before, scheduled_at]},
    )
    return post


@transaction.atomic
def post_delete(*, post: Post, actor: User | None) -> None:
    """Deletes a post that never went out (published ones are deleted from the network)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = _locked_variants(post)
    _refuse_if_publishing(variants)
    if any(
        variant.state in {VariantState.PUBLISHED, VariantState.NEEDS_CHECK} for variant in variants
    ):
        raise Conflict(
            _("The post is on a network: delete it from the network first."), code="published"
        )
    audit_record(action="post.deleted", organisation=post.organisation, actor=actor, obj=post)
    post.delete()


# ---------------------------------------------------------------- slots and recurrences


@transaction.atomic
def slot_add(*, channel: Channel, actor: User | None, weekday: int, at: time) -> PostingSlot:
    if weekday not in range(7):
        raise ServiceError(_("Choose the day of the week."), field="weekday")
    slot, created = PostingSlot.objects.get_or_create(
        channel=channel, weekday=weekday, time=at.replace(second=0, microsecond=0)
    )
    if not created:
        raise Conflict(_("This slot already exists."), field="time")
    audit_record(
        action="slot.added",
        organisation=channel.organisation,
        actor=actor,
        obj=channel,
        changes={"slot": [None, str(slot)]},
    )
    return slot


@transaction.atomic
def slot_remove(*, slot: PostingSlot, actor: User | None) -> None:
    audit_record(
        action="slot.removed",
        organisation=slot.channel.organisation,
        actor=actor,
        obj=slot.channel,
        changes={"slot": [str(slot), None]},
    )
    slot.delete()


def next_free_slot(*, channels: list[Channel], after: datetime | None = None) -> datetime | None:
    """The earliest slot of these channels in the next four weeks not taken by a post."""
    after = after or timezone.now()
    slots = list(PostingSlot.objects.filter(channel__in=channels).select_related("channel"))
    if not slots:
        return None
    horizon = after + timedelta(days=28)
    taken = set(
        Variant.objects.filter(
            channel__in=channels,
            scheduled_at__gte=after,
            scheduled_at__lte=horizon,
        )
        .exclude(state__in=[VariantState.CANCELLED, VariantState.DELETED])
        .values_list("channel_id", "scheduled_at")
    )
    candidates = []
    for slot in slots:
        zone = ZoneInfo(slot.channel.timezone)
        local_day = after.astimezone(zone).date()
        for offset in range(29):
            day = local_day + timedelta(days=offset)
            if day.weekday() != slot.weekday:
                continue
            moment = datetime.combine(day, slot.time, tzinfo=zone)
            if moment <= after:
                continue
            if (slot.channel_id, moment) not in taken:
                candidates.append(moment)
                break
    if not candidates:
        return None
    return min(candidates).astimezone(ZoneInfo("UTC"))


MAX_OCCURRENCES = 60


def occurrences(*, weekday: int, at: time, starts_on: date, ends_on: date, zone: str):
    day = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
    while day <= ends_on:
        yield datetime.combine(day, at, tzinfo=ZoneInfo(zone))
        day += timedelta(days=7)


@transaction.atomic
def recurrence_create(
    *,
    organisation: Organisation,
    actor: User | None,
    membership: Membership,
    channels: list[Channel],
    library: Library | None,
    title: str,
    text: str,
    rubric: Rubric | None,
    weekday: int,
    at: time,
    starts_on: date,
    ends_on: date,
) -> Recurrence:
    """Creates the weekly posts up to the end date, each an ordinary post one may edit."""
    if not rules.can_write_posts(membership):
        raise ServiceError(_("Your role may not write posts."), code="forbidden")
    if not channels:
        raise ServiceError(_("Choose at least one channel."), field="channels")
    if ends_on < starts_on:
        raise ServiceError(_("The end comes before the start."), field="ends_on")
    zone = library.timezone if library else organisation.timezone
    moments = [
        moment
        for moment in occurrences(
            weekday=weekday, at=at, starts_on=starts_on, ends_on=ends_on, zone=zone
        )
        if moment > timezone.now()
    ]
    if not moments:
        raise ServiceError(_("No such day between these dates."), field="ends_on")
    if len(moments) > MAX_OCCURRENCES:
        raise ServiceError(
            _("At most %(count)s posts at once; choose a nearer end date.")
            % {"count": MAX_OCCURRENCES},
            field="ends_on",
        )
    recurrence = Recurrence.objects.create(
        organisation=organisation,
        library=library,
        title=title.strip() or text[:60],
        text=text,
        rubric=rubric,
        weekday=weekday,
        time=at,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    recurrence.channels.set(channels)
    for moment in moments:
        post = post_create(
            organisation=organisation,
            actor=actor,
            channels=channels,
            source=Post.Source.RECURRING,
            library=library,
            title=recurrence.title,
            text=text,
            rubric=rubric,
            scheduled_at=moment,
        )
        post.recurrence = recurrence
        post.save(update_fields=["recurrence"])
        post_submit(post=post, actor=actor, membership=membership)
    audit_record(
        action="recurrence.created",
        organisation=organisation,
        actor=actor,
        obj=recurrence,
        changes={"posts": [None, len(moments)]},
    )
    return recurrence


# ---------------------------------------------------------------- templates and text blocks

PLACEHOLDERS = {
    "{библиотека}": lambda post: post.library.name if post.library else post.organisation.name,
    "{сайт}": lambda post: post.library.website_url if post.library else "",
    "{каталог}": lambda post: post.library.catalogue_url if post.library else "",
    "{электронная библиотека}": lambda post: post.library.elibrary_url if post.library else "",
    "{рубрика}": lambda post: post.rubric.name if post.rubric else "",
    "{проект}": lambda post: post.series.name if post.series else "",
    "{дата}": lambda post: (
        post.scheduled_at.astimezone(
            ZoneInfo(post.library.timezone if post.library else post.organisation.timezone)
        ).strftime("%d.%m.%Y")
        if post.scheduled_at
        else ""
    ),
}


def fill_placeholders(text: str, post: Post) -> str:
    """Replaces the template placeholders ({библиотека}, {дата}, {сайт}…) for this post."""
    for placeholder, value in PLACEHOLDERS.items():
        if placeholder in text:
            text = text.replace(placeholder, value(post) or "")
    return text


@transaction.atomic
def template_save(
    *,
    organisation: Organisation,
    actor: User | None,
    template: Template | None = None,
    name: str,
    text: str,
    rubric: Rubric | None = None,
) -> Template:
    if not (name or "").strip():
        raise ServiceError(_("Enter the name."), field="name")
    if not (text or "").strip():
        raise ServiceError(_("Write the text."), field="text")
    if rubric is not None and rubric.organisation_id != organisation.pk:
        raise ServiceError(_("Choose a rubric of this organisation."), field="rubric")
    creating = template is None
    template = template or Template(organisation=organisation)
    template.name, template.text, template.rubric = name.strip(), text, rubric
    template.save()
    audit_record(
        action="template.created" if creating else "template.changed",
        organisation=organisation,
        actor=actor,
        obj=template,
    )
    return template


@transaction.atomic
def text_block_save(
    *,
    organisation: Organisation,
    actor: User | None,
    block: TextBlock | None = None,
    name: str,
    text: str,
) -> TextBlock:
    if not (name or "").strip():
        raise ServiceError(_("Enter the name."), field="name")
    if not (text or "").strip():
        raise ServiceError(_("Write the text."), field="text")
    creating = block is None
    block = block or TextBlock(organisation=organisation)
    block.name, block.text = name.strip(), text
    block.save()
    audit_record(
        action="text_block.created" if creating else "text_block.changed",
        organisation=organisation,
        actor=actor,
        obj=block,
    )
    return block


@transaction.atomic
def template_delete(*, obj: Template | TextBlock, actor: User | None) -> None:
    audit_record(
        action=f"{obj._meta.model_name}.deleted",
        organisation=obj.organisation,
        actor=actor,
        obj=obj,
    )
    obj.delete()


# ---------------------------------------------------------------- guest posts

GUEST_LINK_DAYS = 14


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def guest_link_create(
    *, organisation: Organisation, actor: User | None, note: str, library: Library | None = None
) -> tuple[GuestLink, str]:
    """A one-time link; the token is returned once and only its hash is kept."""
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("Say whom the link is for."), field="note")
    if library is not None and library.organisation_id != organisation.pk:
        raise ServiceError(_("Choose from this organisation."), field="library")
    token = secrets.token_urlsafe(24)
    link = GuestLink.objects.create(
        organisation=organisation,
        library=library,
        note=note[:200],
        token_hash=_token_hash(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=GUEST_LINK_DAYS),
    )
    audit_record(action="guest_link.created", organisation=organisation, actor=actor, obj=link)
    return link, token


def guest_link_for(token: str) -> GuestLink | None:
    """The unused, unexpired link of this token, or None."""
    if not token or len(token) > 100:
        return None
    return (
        GuestLink.objects.filter(
            token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("organisation", "library")
        .first()
    )


@transaction.atomic
def guest_post_submit(
    *, token: str, name: str, text: str, images: list[tuple[str, bytes]] = ()
) -> Post:
    """The guest's text arrives as a draft for the editors to review; the link is spent."""
    link = guest_link_for(token)
    if link is None:
        raise ServiceError(_("This link has been used or has expired."), code="gone")
    link = GuestLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise ServiceError(_("This link has been used or has expired."), code="gone")
    name, text = (name or "").strip(), (text or "").strip()
    if not name:
        raise ServiceError(_("Introduce yourself."), field="name")
    if not text:
        raise ServiceError(_("Write the text."), field="text")
    media = [
        media_upload(organisation=link.organisation, actor=None, data=data, name=filename)
        for filename, data in images
    ]
    post = post_create(
        organisation=link.organisation,
        actor=None,
        channels=[],
        media=media,
        source=Post.Source.GUEST,
        guest_name=name[:200],
        library=link.library,
        title=_("Guest post: %(name)s") % {"name": name[:100]},
        text=text,
    )
    link.used_at = timezone.now()
    link.post = post
    link.save(update_fields=["used_at", "post"])
    audit_record(action="guest_post.received", organisation=link.organisation, actor=None, obj=post)
    notify(
        users=members_with(link.organisation, Permission.PUBLISH),
        organisation=link.organisation,
        text=_("A guest post arrived from %(name)s") % {"name": name[:100]},
        url=post_url(post),
    )
    return post
