"""Scheduling: moving, unscheduling and cancelling posts; posting slots; recurring posts."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.models import Channel
from vitrina.content.models import Post, PostingSlot, Recurrence, Rubric, Variant
from vitrina.content.services._common import (
    being_published,
    locked_variants,
    move,
    refuse_if_publishing,
    tell,
)
from vitrina.content.services.approval import post_submit
from vitrina.content.services.posts import post_create
from vitrina.content.states import EDITABLE, VariantState
from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Library, Membership, Organisation, User


@transaction.atomic
def post_unschedule(*, post: Post, actor: User | None) -> Post:
    """Back to a draft, as long as the engine has not claimed it."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = locked_variants(post)
    refuse_if_publishing(variants)
    moved = move(
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
    variants = locked_variants(post)
    refuse_if_publishing(variants)
    moved = move(variants, from_states=set(EDITABLE), to_state=VariantState.CANCELLED)
    if not moved:
        raise Conflict(_("Nothing to cancel."))
    audit_record(
        action="post.cancelled",
        organisation=post.organisation,
        actor=actor,
        obj=post,
        changes={"channels": [[variant.channel.name for variant in moved], None]},
    )
    tell(post, [post.author], _("The post is cancelled: %(post)s") % {"post": post}, actor)
    return post


@transaction.atomic
def post_reschedule(*, post: Post, actor: User | None, scheduled_at: datetime) -> Post:
    """A new time (from the calendar); refused once any variant is being published."""
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise ServiceError(_("Choose the date and time."), field="scheduled_at")
    post = Post.objects.select_for_update().get(pk=post.pk)
    variants = locked_variants(post)
    refuse_if_publishing(variants)
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
            raise being_published()
    audit_record(
        action="post.rescheduled",
        organisation=post.organisation,
        actor=actor,
        obj=post,
        changes={"scheduled_at": [before, scheduled_at]},
    )
    return post


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
