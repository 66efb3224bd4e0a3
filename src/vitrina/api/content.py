"""Posts, their variants, scheduling, approval and publishing state over the API."""

from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from vitrina.api.auth import membership_allowed, membership_or_404
from vitrina.api.errors import ApiError
from vitrina.api.pagination import Pagination
from vitrina.api.schemas import (
    BodyId,
    BodyIn,
    ErrorOut,
    Flag,
    Id,
    IsoDateTime,
    NetworkName,
    unset,
)
from vitrina.content import selectors
from vitrina.content.checks import POLL_MAX_ANSWERS
from vitrina.content.models import Post, Variant
from vitrina.content.services import approval as approval_services
from vitrina.content.services import media as media_services
from vitrina.content.services import posts as post_services
from vitrina.content.services import scheduling as scheduling_services
from vitrina.content.services import variants as variant_services
from vitrina.content.states import VariantState
from vitrina.core import rules
from vitrina.core.models import Membership
from vitrina.core.selectors import library_get
from vitrina.core.timeplace import moment_at_place as at_place
from vitrina.publishing.selectors import attempts_by_variant

router = Router(tags=["content"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class AttemptOut(Schema):
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    detail: str
    network_code: str


class VariantOut(Schema):
    id: int
    channel_id: int
    network: NetworkName
    channel_name: str
    text: str
    customised: bool
    state: VariantState
    scheduled_at: datetime | None
    published_at: datetime | None
    external_url: str
    attempt_count: int
    next_attempt_at: datetime | None
    last_error: str
    attempts: list[AttemptOut]


class PollOut(Schema):
    question: str
    answers: list[str]
    anonymous: bool
    multiple: bool
    ends_at: datetime | None


class PostOut(Schema):
    id: int
    library_id: int | None
    author: str
    source: str
    title: str
    text: str
    rubric_id: int | None
    series_id: int | None
    tags: list[str]
    about_people: bool
    link_url: str
    add_utm: bool
    poll: PollOut | None
    media_ids: list[int]
    scheduled_at: datetime | None
    state: VariantState = Field(..., description="The state most in need of attention")
    approval_comment: str
    variants: list[VariantOut]
    created_at: datetime
    updated_at: datetime


TagName = Annotated[str, Field(min_length=1, max_length=60)]
PollAnswer = Annotated[str, Field(min_length=1, max_length=100)]
# Something a post says: the schema's way of refusing an empty draft.
NOT_BLANK = r"\S"
POST_CONTENT = {
    "anyOf": [
        {"required": ["text"], "properties": {"text": {"pattern": NOT_BLANK}}},
        {"required": ["title"], "properties": {"title": {"pattern": NOT_BLANK}}},
        {"required": ["media_ids"], "properties": {"media_ids": {"minItems": 1}}},
        {"required": ["poll_question"], "properties": {"poll_question": {"pattern": NOT_BLANK}}},
    ]
}


class PostIn(BodyIn):
    """A new post; it must say something: a text, a title, a picture or a poll."""

    model_config = ConfigDict(json_schema_extra=POST_CONTENT)

    channel_ids: list[BodyId] = Field(default_factory=list, max_length=100)
    library_id: BodyId | None = None
    title: str = Field("", max_length=200)
    text: str = Field("", max_length=100_000)
    rubric_id: BodyId | None = None
    series_id: BodyId | None = None
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    about_people: Flag = False
    link_url: str = Field("", max_length=500)
    add_utm: Flag = True
    poll_question: str = Field("", max_length=300)
    poll_answers: list[PollAnswer] = Field(default_factory=list, max_length=POLL_MAX_ANSWERS)
    poll_anonymous: Flag = True
    poll_multiple: Flag = False
    poll_ends_at: IsoDateTime | None = None
    scheduled_at: IsoDateTime | None = None
    media_ids: list[BodyId] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def says_something(self):
        if not (
            self.text.strip() or self.title.strip() or self.media_ids or self.poll_question.strip()
        ):
            raise PydanticCustomError("post_empty", "the post is empty")
        return self


class PostPatch(BodyIn):
    """Fields left out keep their values; null clears those that may be empty."""

    channel_ids: list[BodyId] = unset(max_length=100)
    library_id: BodyId | None = None
    title: str = unset(max_length=200)
    text: str = unset(max_length=100_000)
    rubric_id: BodyId | None = None
    series_id: BodyId | None = None
    tags: list[TagName] = unset(max_length=50)
    about_people: Flag = unset()
    link_url: str = unset(max_length=500)
    add_utm: Flag = unset()
    poll_question: str = unset(max_length=300)
    poll_answers: list[PollAnswer] = unset(max_length=POLL_MAX_ANSWERS)
    poll_anonymous: Flag = unset()
    poll_multiple: Flag = unset()
    poll_ends_at: IsoDateTime | None = None
    scheduled_at: IsoDateTime | None = None
    media_ids: list[BodyId] = unset(max_length=100)


class VariantPatch(BodyIn):
    text: str = Field(..., max_length=100_000)


class ReturnIn(BodyIn):
    comment: str = Field(..., min_length=1, max_length=2000)


class RescheduleIn(BodyIn):
    scheduled_at: IsoDateTime


def variant_out(variant: Variant, attempts: list | None = None) -> dict:
    """A variant with its attempt log (publishing's, read for it when not given)."""
    if attempts is None:
        attempts = attempts_by_variant([variant])[variant.pk]
    return {
        "id": variant.pk,
        "channel_id": variant.channel_id,
        "network": variant.channel.network,
        "channel_name": variant.channel.name,
        "text": variant.effective_text,
        "customised": variant.customised,
        "state": variant.state,
        "scheduled_at": at_place(variant.scheduled_at, variant),
        "published_at": at_place(variant.published_at, variant),
        "external_url": variant.external_url,
        "attempt_count": variant.attempt_count,
        "next_attempt_at": at_place(variant.next_attempt_at, variant),
        "last_error": variant.last_error,
        "attempts": [
            {
                "started_at": at_place(attempt.started_at, variant),
                "finished_at": at_place(attempt.finished_at, variant),
                "outcome": attempt.outcome,
                "detail": attempt.detail,
                "network_code": attempt.network_code,
            }
            for attempt in attempts
        ],
    }


def post_out(post: Post, attempts: dict[int, list] | None = None) -> dict:
    """A post with its variants; ``attempts`` are their logs by variant id, read for the
    post's variants in one query when not given (lists give them for all posts at once)."""
    variants = list(post.variants.all())
    if attempts is None:
        attempts = attempts_by_variant(variants)
    return {
        "id": post.pk,
        "library_id": post.library_id,
        "author": post.guest_name or (post.author.get_full_name() if post.author else ""),
        "source": post.source,
        "title": post.title,
        "text": post.text,
        "rubric_id": post.rubric_id,
        "series_id": post.series_id,
        "tags": [tag.name for tag in post.tags.all()],
        "about_people": post.about_people,
        "link_url": post.link_url,
        "add_utm": post.add_utm,
        "poll": {
            "question": post.poll_question,
            "answers": post.poll_answers,
            "anonymous": post.poll_anonymous,
            "multiple": post.poll_multiple,
            "ends_at": at_place(post.poll_ends_at, post),
        }
        if post.poll_question
        else None,
        "media_ids": [item.asset_id for item in post.media_items.all()],
        "scheduled_at": at_place(post.scheduled_at, post),
        "state": selectors.post_state(post),
        "approval_comment": post.approval_comment,
        "variants": [variant_out(variant, attempts.get(variant.pk, [])) for variant in variants],
        "created_at": at_place(post.created_at, post),
        "updated_at": at_place(post.updated_at, post),
    }


def _writer(request, org_slug: str) -> Membership:
    return membership_allowed(
        request, org_slug, rules.can_write_posts, _("Your role may not write posts.")
    )


def _post(membership: Membership, post_id: int) -> Post:
    post = selectors.post_get(membership=membership, pk=post_id)
    if post is None:
        raise ApiError(404, "not_found", _("No such post."))
    return post


def _own(request, membership: Membership, post_id: int) -> Post:
    """A post the caller may change: authors their own, editors everyone's."""
    post = _post(membership, post_id)
    if not rules.can_publish(membership) and post.author_id != request.auth.pk:
        raise ApiError(403, "forbidden", _("Only editors change others' posts."))
    return post


def _fresh(membership: Membership, post: Post) -> dict:
    return post_out(_post(membership, post.pk))


def _no_such() -> dict[str, str]:
    return {
        "library": _("No such library."),
        "rubric": _("No such rubric."),
        "series": _("No such series."),
    }


def _fields(membership: Membership, data: dict) -> dict:
    """Ids in the payload to objects of the caller's organisation; unknown ids are 400."""
    fields = {}
    lookups = {
        "library_id": ("library", lambda pk: library_get(membership=membership, pk=pk)),
        "rubric_id": ("rubric", lambda pk: selectors.rubric_get(membership=membership, pk=pk)),
        "series_id": ("series", lambda pk: selectors.series_get(membership=membership, pk=pk)),
    }
    for key, value in data.items():
        if key in lookups:
            name, lookup = lookups[key]
            obj = lookup(value) if value is not None else None
            if value is not None and obj is None:
                raise ApiError(400, "invalid", _no_such()[name], {"field": key})
            fields[name] = obj
        elif key == "channel_ids":
            channels = selectors.postable_channels_in_order(membership=membership, ids=value)
            if len(channels) != len(set(value)):
                raise ApiError(400, "invalid", _("No such channel."), {"field": "channel_ids"})
            fields["channels"] = channels
        elif key == "media_ids":
            media = selectors.media_in_order(membership=membership, ids=value)
            if len(media) != len(set(value)):
                raise ApiError(400, "invalid", _("No such picture."), {"field": "media_ids"})
            fields["media"] = media
        elif key == "about_people":
            fields[key] = bool(value)
        elif key in {"title", "text", "link_url", "poll_question"}:
            fields[key] = value or ""
        else:
            fields[key] = value
    return fields


@router.get(
    "/organisations/{org_slug}/posts",
    response={200: list[PostOut], 404: ErrorOut},
    summary="Posts of the organisation, newest first",
)
@paginate(Pagination)
def post_list(
    request,
    org_slug: str,
    library_id: Id | None = None,
    channel_id: Id | None = None,
    rubric_id: Id | None = None,
    author_id: Id | None = None,
    state: VariantState | None = None,
    start: IsoDateTime | None = None,
    end: IsoDateTime | None = None,
):
    membership = membership_or_404(request, org_slug)
    filters = selectors.PostFilter(
        library_id=library_id,
        channel_id=channel_id,
        rubric_id=rubric_id,
        author_id=author_id,
        state=state.value if state else "",
        start=start,
        end=end,
    )
    posts = list(
        selectors.post_list(membership=membership, filters=filters).prefetch_related(
            "tags", "media_items"
        )
    )
    attempts = attempts_by_variant(variant for post in posts for variant in post.variants.all())
    return [post_out(post, attempts) for post in posts]


@router.post(
    "/organisations/{org_slug}/posts",
    response={201: PostOut, **ERRORS},
    summary="Write a post (a draft with one variant per channel)",
)
def post_create(request, org_slug: str, payload: PostIn):
    membership = _writer(request, org_slug)
    fields = _fields(membership, payload.dict())
    post = post_services.post_compose(
        membership=membership,
        actor=request.auth,
        source=Post.Source.API,
        channels=fields.pop("channels", []),
        media=fields.pop("media", []),
        tags=fields.pop("tags", []),
        **fields,
    )
    return Status(201, _fresh(membership, post))


@router.get(
    "/organisations/{org_slug}/posts/{post_id}",
    response={200: PostOut, 404: ErrorOut},
    summary="One post with its variants and their publishing attempts",
)
def post_detail(request, org_slug: str, post_id: Id):
    membership = membership_or_404(request, org_slug)
    return post_out(_post(membership, post_id))


@router.patch(
    "/organisations/{org_slug}/posts/{post_id}",
    response={200: PostOut, **ERRORS},
    summary="Change a post",
    description="Refused with 409 once any variant is being published.",
)
def post_update(request, org_slug: str, post_id: Id, payload: PostPatch):
    membership = _writer(request, org_slug)
    post = _own(request, membership, post_id)
    fields = _fields(membership, payload.dict(exclude_unset=True))
    post_services.post_compose(membership=membership, actor=request.auth, post=post, **fields)
    return _fresh(membership, post)


@router.delete(
    "/organisations/{org_slug}/posts/{post_id}",
    response={204: None, **ERRORS},
    summary="Delete a post that never went out",
)
def post_delete(request, org_slug: str, post_id: Id):
    membership = _writer(request, org_slug)
    post = _post(membership, post_id)
    if not rules.can_publish(membership) and post.author_id != request.auth.pk:
        raise ApiError(403, "forbidden", _("Only editors delete others' posts."))
    post_services.post_delete(post=post, actor=request.auth)
    return Status(204, None)


@router.patch(
    "/organisations/{org_slug}/posts/{post_id}/variants/{variant_id}",
    response={200: VariantOut, **ERRORS},
    summary="Edit one channel's text apart from the post",
)
def variant_update(request, org_slug: str, post_id: Id, variant_id: Id, payload: VariantPatch):
    membership = _writer(request, org_slug)
    post = _own(request, membership, post_id)
    variant = selectors.variant_get(membership=membership, post=post, pk=variant_id)
    if variant is None:
        raise ApiError(404, "not_found", _("No such variant."))
    variant_services.variant_update(
        variant=variant, actor=request.auth, text=payload.text, membership=membership
    )
    fresh = _post(membership, post.pk)
    return variant_out(next(v for v in fresh.variants.all() if v.pk == variant.pk))


@router.post(
    "/organisations/{org_slug}/posts/{post_id}/submit",
    response={200: PostOut, **ERRORS},
    summary="Send for approval (authors) or schedule (editors)",
)
def post_submit(request, org_slug: str, post_id: Id):
    membership = _writer(request, org_slug)
    post = _own(request, membership, post_id)
    approval_services.post_submit(post=post, actor=request.auth, membership=membership)
    return _fresh(membership, post)


@router.post(
    "/organisations/{org_slug}/posts/{post_id}/approve",
    response={200: PostOut, **ERRORS},
    summary="Approve a post: it is scheduled",
)
def post_approve(request, org_slug: str, post_id: Id):
    membership = _writer(request, org_slug)
    post = _post(membership, post_id)
    if not rules.can_publish(membership):
        raise ApiError(403, "forbidden", _("Only editors approve posts."))
    approval_services.post_approve(post=post, actor=request.auth, membership=membership)
    return _fresh(membership, post)


@router.post(
    "/organisations/{org_slug}/posts/{post_id}/return",
    response={200: PostOut, **ERRORS},
    summary="Return a post to its author with a comment",
)
def post_return(request, org_slug: str, post_id: Id, payload: ReturnIn):
    membership = _writer(request, org_slug)
    post = _post(membership, post_id)
    if not rules.can_publish(membership):
        raise ApiError(403, "forbidden", _("Only editors approve posts."))
    approval_services.post_return(
        post=post, actor=request.auth, membership=membership, comment=payload.comment
    )
    return _fresh(membership, post)


@router.post(
    "/organisations/{org_slug}/posts/{post_id}/reschedule",
    response={200: PostOut, **ERRORS},
    summary="Move a post to another time (UTC or with an offset)",
)
def post_reschedule(request, org_slug: str, post_id: Id, payload: RescheduleIn):
    membership = _writer(request, org_slug)
    post = _own(request, membership, post_id)
    scheduling_services.post_reschedule(
        post=post, actor=request.auth, scheduled_at=payload.scheduled_at
    )
    return _fresh(membership, post)


@router.post(
    "/organisations/{org_slug}/posts/{post_id}/cancel",
    response={200: PostOut, **ERRORS},
    summary="Cancel a post on every channel where it has not gone out",
)
def post_cancel(request, org_slug: str, post_id: Id):
    membership = _writer(request, org_slug)
    post = _post(membership, post_id)
    if not rules.can_publish(membership) and post.author_id != request.auth.pk:
        raise ApiError(403, "forbidden", _("Only editors cancel others' posts."))
    scheduling_services.post_cancel(post=post, actor=request.auth)
    return _fresh(membership, post)


class RubricOut(Schema):
    id: int
    name: str
    colour: str
    target_per_week: float | None
    utm_campaign: str


@router.get(
    "/organisations/{org_slug}/rubrics",
    response={200: list[RubricOut], 404: ErrorOut},
    summary="Rubrics of the organisation",
)
def rubric_list(request, org_slug: str):
    membership = membership_or_404(request, org_slug)
    return [
        {
            "id": rubric.pk,
            "name": rubric.name,
            "colour": rubric.colour,
            "target_per_week": rubric.target_per_week,
            "utm_campaign": rubric.utm_campaign,
        }
        for rubric in selectors.rubric_list(membership=membership)
    ]


class MediaOut(Schema):
    id: int
    name: str
    content_type: str
    width: int
    height: int
    size: int
    alt_text: str
    created_at: datetime


def media_out(asset) -> dict:
    return {
        "id": asset.pk,
        "name": asset.original_name,
        "content_type": asset.content_type,
        "width": asset.width,
        "height": asset.height,
        "size": asset.size,
        "alt_text": asset.alt_text,
        "created_at": asset.created_at,
    }


UPLOAD = File(...)
ALT_TEXT = Form("", max_length=500)


@router.get(
    "/organisations/{org_slug}/media",
    response={200: list[MediaOut], 404: ErrorOut},
    summary="Pictures of the organisation's media library, newest first",
)
@paginate(Pagination)
def media_list(request, org_slug: str):
    membership = membership_or_404(request, org_slug)
    return [media_out(asset) for asset in selectors.media_list(membership=membership)]


@router.post(
    "/organisations/{org_slug}/media",
    response={201: MediaOut, **ERRORS},
    summary="Upload a picture (multipart, field `file`); it is converted for the networks",
)
def media_upload(request, org_slug: str, file: UploadedFile = UPLOAD, alt_text: str = ALT_TEXT):
    membership = _writer(request, org_slug)
    for field in ("file", "alt_text"):
        if len(request.FILES.getlist(field) or request.POST.getlist(field)) > 1:
            raise ApiError(400, "invalid", _("Send this field once."), {"field": field})
    asset = media_services.media_upload(
        organisation=membership.organisation,
        actor=request.auth,
        data=file.read(),
        name=file.name or "image",
        alt_text=alt_text,
    )
    return Status(201, media_out(asset))
