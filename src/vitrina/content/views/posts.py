"""The posts list, the composer and the post page with its variants."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.channels.networks import Network
from vitrina.content import selectors
from vitrina.content.checks import limits_table
from vitrina.content.forms import PostFilterForm, PostForm, ReturnForm, VariantForm
from vitrina.content.services import approval as approval_services
from vitrina.content.services import posts as post_services
from vitrina.content.services import scheduling as scheduling_services
from vitrina.content.services import variants as variant_services
from vitrina.content.states import EDITABLE, VariantState
from vitrina.core import rules, timeplace
from vitrina.core.exceptions import ServiceError
from vitrina.core.selectors import library_get, library_list
from vitrina.core.views.decorators import apply_service_error, require


def post_or_404(request, post_id):
    post = selectors.post_get(membership=request.membership, pk=post_id)
    if post is None:
        raise Http404
    return post


def zone_of(request, library=None) -> str:
    """The zone a post's times are typed and shown in: its library's, else the organisation's."""
    return timeplace.zone_of(library if library is not None else request.organisation)


def filter_form(request, data):
    membership = request.membership
    return PostFilterForm(
        data,
        libraries=library_list(membership=membership),
        channels=selectors.postable_channels(membership=membership),
        rubrics=selectors.rubric_list(membership=membership),
        states=VariantState.choices,
        authors=selectors.author_list(membership=membership),
    )


def filters_from(form) -> selectors.PostFilter:
    if not form.is_valid():
        return selectors.PostFilter()
    data = form.cleaned_data
    return selectors.PostFilter(
        library_id=data["library"].pk if data["library"] else None,
        channel_id=data["channel"].pk if data["channel"] else None,
        rubric_id=data["rubric"].pk if data["rubric"] else None,
        author_id=data["author"].pk if data["author"] else None,
        state=data["state"],
        query=data["query"].strip(),
    )


def post_list(request):
    form = filter_form(request, request.GET or None)
    posts = selectors.post_list(membership=request.membership, filters=filters_from(form))
    page = Paginator(posts, 50).get_page(request.GET.get("page"))
    for post in page.object_list:
        post.summary_state = selectors.post_state(post)
        post.organisation = request.organisation  # the place of a post without a library
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "content/post_list.html",
        {
            "page": page,
            "filter_form": form,
            "query": query.urlencode(),
            "can_write": rules.can_write_posts(request.membership),
            "states": dict(VariantState.choices),
        },
    )


def _composer_form(request, post=None, data=None, files=None, initial=None):
    membership = request.membership
    return PostForm(
        data,
        files,
        initial=initial,
        libraries=library_list(membership=membership),
        channels=selectors.postable_channels(membership=membership),
        rubrics=selectors.rubric_list(membership=membership),
        series=selectors.series_list(membership=membership),
    )


def _initial(post, zone: str) -> dict:
    """The post as the composer shows it; its times as the library's wall clock, naive, so
    the form shows them as they are whatever zone is active when it renders."""

    def wall(moment):
        return timeplace.local(moment, zone).replace(tzinfo=None) if moment else None

    return {
        "library": post.library,
        "channels": [variant.channel for variant in post.variants.all()],
        "title": post.title,
        "text": post.text,
        "rubric": post.rubric,
        "series": post.series,
        "tags": ", ".join(tag.name for tag in post.tags.all()),
        "about_people": post.about_people,
        "link_url": post.link_url,
        "add_utm": post.add_utm,
        "poll_question": post.poll_question,
        "poll_answers": "\n".join(post.poll_answers),
        "poll_anonymous": post.poll_anonymous,
        "poll_multiple": post.poll_multiple,
        "poll_ends_at": wall(post.poll_ends_at),
        "scheduled_at": wall(post.scheduled_at),
    }


def _chosen_media(request) -> list:
    """The pictures in the order the composer lists them, then those picked from the library."""
    ids = [
        int(raw)
        for raw in request.POST.getlist("media") + request.POST.getlist("media_add")
        if raw.isdigit()
    ]
    return selectors.media_in_order(membership=request.membership, ids=ids)


def _alt_texts(request) -> dict[int, str]:
    """The descriptions typed for the pictures, by picture id."""
    return {
        int(key.removeprefix("alt_")): value
        for key, value in request.POST.items()
        if key.startswith("alt_") and key.removeprefix("alt_").isdigit()
    }


def _post_zone(request, form_data) -> str:
    library_id = form_data.get("library") if form_data else None
    library = None
    if library_id and str(library_id).isdigit():
        library = library_get(membership=request.membership, pk=int(library_id))
    return zone_of(request, library)


@require(rules.can_write_posts)
def post_edit(request, post_id=None):
    post = post_or_404(request, post_id) if post_id else None
    if post is not None and not may_manage(request, post):
        raise PermissionDenied
    variants = list(post.variants.all()) if post is not None else []
    if variants and not any(variant.state in EDITABLE for variant in variants):
        messages.error(request, _("This post is already published; it cannot be changed."))
        return redirect("content:post", org=request.organisation.slug, post_id=post.pk)
    data = request.POST if request.method == "POST" else None
    zone = _post_zone(request, data) if data else zone_of(request, post.library if post else None)
    with timezone.override(ZoneInfo(zone)):
        if post is not None:
            initial = _initial(post, zone)
        else:
            initial = {"add_utm": True, "poll_anonymous": True}
            day = request.GET.get("date", "")
            try:
                chosen = date.fromisoformat(day) if day else None
            except ValueError:
                chosen = None
            if chosen:
                initial["scheduled_at"] = datetime.combine(chosen, time(10, 0))
        form = _composer_form(request, post, data, request.FILES or None, initial)
        media = list(post.media_items.all()) if post else []
        media_assets = [item.asset for item in media]
        if request.method == "POST" and form.is_valid():
            media_assets = _chosen_media(request)
            try:
                post = _save(request, post, form, media_assets)
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                action = request.POST.get("then", "")
                if action == "next_slot":
                    return _to_next_slot(request, post)
                if action == "submit":
                    return _submit(request, post)
                messages.success(request, _("Saved."))
                return redirect("content:post", org=request.organisation.slug, post_id=post.pk)
    recent = selectors.media_recent(
        membership=request.membership, exclude=[asset.pk for asset in media_assets], limit=24
    )
    return render(
        request,
        "content/post_form.html",
        {
            "form": form,
            "post": post,
            "media_assets": media_assets,
            "recent_media": recent,
            "zone": zone,
            "limits": limits_table(),
            "texts": {
                "networks": dict(Network.choices),
                "left": _("characters left: "),
                "over": _("characters too many: "),
                "media": _("pictures: "),
                "noPolls": _("no polls here: the poll will not go"),
                "pollAnswers": _("more answers than the network allows: "),
                "links": _("links: "),
                "uploadFailed": _("The file could not be uploaded."),
                "saved": _("Draft saved at "),
                "notSaved": _("The draft is not saved."),
            },
            "networks": {
                channel.pk: channel.network for channel in form.fields["channels"].queryset
            },
            "can_publish": rules.can_publish(request.membership),
            "snippets": {
                "templates": [
                    {"id": t.pk, "name": t.name, "rubric": t.rubric_id, "text": t.text}
                    for t in selectors.template_list(membership=request.membership)
                ],
                "blocks": [
                    {"id": b.pk, "name": b.name, "text": b.text}
                    for b in selectors.text_block_list(membership=request.membership)
                ],
            },
            "autosave_url": reverse(
                "content:post-autosave",
                kwargs={"org": request.organisation.slug, "post_id": post.pk},
            )
            if post
            else reverse("content:autosave", kwargs={"org": request.organisation.slug}),
        },
    )


def _save(request, post, form, media_assets):
    """The post, its pictures and their descriptions in one service call."""
    data = form.cleaned_data
    return post_services.post_compose(
        membership=request.membership,
        actor=request.user,
        post=post,
        channels=list(data["channels"]),
        media=media_assets,
        uploads=[(upload.name, upload.read()) for upload in data.get("upload") or []],
        alt_texts=_alt_texts(request),
        tags=data["tags"],
        **{name: data[name] for name in post_services.POST_FIELDS},
    )


@require(rules.can_write_posts)
@require_POST
def post_autosave(request, post_id=None):
    """The composer saves a draft by itself while one types (pictures are uploaded apart)."""
    post = post_or_404(request, post_id) if post_id else None
    if post is not None and not may_manage(request, post):
        raise PermissionDenied
    zone = _post_zone(request, request.POST)
    with timezone.override(ZoneInfo(zone)):
        form = _composer_form(request, post, request.POST)
        if not form.is_valid():
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return JsonResponse(
                {
                    "error": {
                        "code": "invalid",
                        "message": _("The draft is not saved: check the form."),
                        "details": errors,
                    }
                },
                status=400,
            )
        try:
            post = _save(request, post, form, _chosen_media(request))
        except ServiceError as error:
            return JsonResponse(
                {"error": {"code": error.code, "message": error.message}}, status=error.status
            )
    slug = request.organisation.slug
    return JsonResponse(
        {
            "post_id": post.pk,
            "edit_url": reverse("content:post-edit", kwargs={"org": slug, "post_id": post.pk}),
            "autosave_url": reverse(
                "content:post-autosave", kwargs={"org": slug, "post_id": post.pk}
            ),
            # When it was saved, on the clock of whoever is typing.
            "saved_at": timeplace.format_at_place(timezone.now(), None, fmt="H:i"),
        }
    )


def _to_next_slot(request, post):
    """The earliest free slot of the post's channels; then scheduled (or sent for approval)."""
    channels = [variant.channel for variant in post.variants.all()]
    moment = scheduling_services.next_free_slot(channels=channels)
    if moment is None:
        messages.error(request, _("These channels have no free posting slot in the next weeks."))
        return redirect("content:post", org=request.organisation.slug, post_id=post.pk)
    try:
        scheduling_services.post_reschedule(post=post, actor=request.user, scheduled_at=moment)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("content:post", org=request.organisation.slug, post_id=post.pk)
    messages.success(request, _("The post takes the next free slot."))
    return _submit(request, post)


def _submit(request, post):
    try:
        approval_services.post_submit(post=post, actor=request.user, membership=request.membership)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if rules.can_publish(request.membership):
            messages.success(request, _("The post is scheduled."))
        else:
            messages.success(request, _("The post is sent for approval."))
    return redirect("content:post", org=request.organisation.slug, post_id=post.pk)


def post_detail(request, post_id):
    post = post_or_404(request, post_id)
    membership = request.membership
    variants = list(post.variants.all())
    states = {variant.state for variant in variants}
    for variant in variants:
        variant.form = VariantForm(
            initial={"text": variant.effective_text}, prefix=f"v{variant.pk}"
        )
        variant.editable = variant.state in EDITABLE
    return render(
        request,
        "content/post_detail.html",
        {
            "post": post,
            "variants": variants,
            "summary_state": selectors.post_state(post),
            "problems": variant_services.post_problems(post),
            "can_write": rules.can_write_posts(membership) and may_manage(request, post),
            "can_publish": rules.can_publish(membership),
            "return_form": ReturnForm(),
            "can_submit": bool(states & {VariantState.DRAFT, VariantState.CANCELLED})
            or (rules.can_publish(membership) and VariantState.PENDING_APPROVAL in states),
            "awaiting": VariantState.PENDING_APPROVAL in states,
            "can_unschedule": bool(
                states & {VariantState.SCHEDULED, VariantState.PENDING_APPROVAL}
            ),
            "can_cancel": bool(states & set(EDITABLE)),
            "can_delete": not states
            & {
                VariantState.PUBLISHED,
                VariantState.NEEDS_CHECK,
                VariantState.PUBLISHING,
            },
            "editable": not variants or bool(states & set(EDITABLE)),
            "can_delete_everywhere": VariantState.PUBLISHED in states
            and VariantState.PUBLISHING not in states,
        },
    )


ACTIONS = {"submit", "approve", "return", "unschedule", "cancel", "delete"}


@require(rules.can_write_posts)
@require_POST
def post_action(request, post_id):
    post = post_or_404(request, post_id)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    org = request.organisation.slug
    membership = request.membership
    if action in {"submit", "unschedule"} and not may_manage(request, post):
        raise PermissionDenied
    if action == "submit":
        return _submit(request, post)
    try:
        if action == "approve":
            approval_services.post_approve(post=post, actor=request.user, membership=membership)
            messages.success(request, _("Approved: the post is scheduled."))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say what to change."))
                return redirect("content:post", org=org, post_id=post.pk)
            approval_services.post_return(
                post=post,
                actor=request.user,
                membership=membership,
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("The post is returned to its author."))
        elif action == "unschedule":
            scheduling_services.post_unschedule(post=post, actor=request.user)
            messages.success(request, _("The post is a draft again."))
        elif action == "cancel":
            _may_manage(request, post)
            scheduling_services.post_cancel(post=post, actor=request.user)
            messages.success(request, _("The post is cancelled."))
        elif action == "delete":
            _may_manage(request, post)
            post_services.post_delete(post=post, actor=request.user)
            messages.success(request, _("The post is deleted."))
            return redirect("content:posts", org=org)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("content:post", org=org, post_id=post.pk)


def may_manage(request, post) -> bool:
    """Authors manage their own posts; editors manage everyone's."""
    return rules.can_publish(request.membership) or post.author_id == request.user.pk


def _may_manage(request, post) -> None:
    if not may_manage(request, post):
        raise ServiceError(_("Only editors change others' posts."), code="forbidden")


@require(rules.can_write_posts)
@require_POST
def variant_edit(request, post_id, variant_id):
    post = post_or_404(request, post_id)
    variant = selectors.variant_get(membership=request.membership, post=post, pk=variant_id)
    if variant is None:
        raise Http404
    form = VariantForm(request.POST, prefix=f"v{variant.pk}")
    if form.is_valid():
        try:
            _may_manage(request, post)
            variant_services.variant_update(
                variant=variant,
                actor=request.user,
                text=form.cleaned_data["text"],
                membership=request.membership,
            )
            messages.success(
                request, _("The text for %(channel)s is saved.") % {"channel": variant.channel.name}
            )
        except ServiceError as error:
            messages.error(request, error.message)
    return redirect("content:post", org=request.organisation.slug, post_id=post.pk)
