"""The calendar, posting slots and recurring posts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.content import selectors
from vitrina.content.forms import RecurrenceForm, SlotForm
from vitrina.content.services import scheduling as scheduling_services
from vitrina.content.states import VariantState
from vitrina.content.views.posts import filter_form, filters_from, may_manage, post_or_404
from vitrina.core import rules, timeplace
from vitrina.core.exceptions import ServiceError
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import apply_service_error, require

MAX_RANGE = timedelta(days=62)


# The states the legend explains, in the order a post goes through them.
CALENDAR_STATES = ("draft", "pending_approval", "scheduled", "published", "failed", "cancelled")


def calendar(request):
    form = filter_form(request, request.GET or None)
    query = request.GET.urlencode()
    return render(
        request,
        "content/calendar.html",
        {
            "filter_form": form,
            "calendar_states": [(state, VariantState(state).label) for state in CALENDAR_STATES],
            "calendar_config": {
                "events": reverse(
                    "content:calendar-events", kwargs={"org": request.organisation.slug}
                )
                + (f"?{query}" if query else ""),
                "create": reverse("content:post-create", kwargs={"org": request.organisation.slug}),
                "canEdit": rules.can_write_posts(request.membership),
                "locale": request.LANGUAGE_CODE,
                "messages": {"failed": _("The post could not be moved.")},
                "buttons": {
                    "prev": "‹",
                    "next": "›",
                    "today": _("today"),
                    "month": _("month"),
                    "week": _("week"),
                    "list": _("list"),
                    "allDay": _("all day"),
                    "noEvents": _("No posts in this period."),
                },
            },
            "query": query,
        },
    )


def _parse_bound(value: str) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value.replace(" ", "+")) if "T" in value else None
    if moment is None:
        try:
            moment = datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment


def calendar_events(request):
    """Events for FullCalendar, times as the library's wall clock (the calendar runs in UTC)."""
    start = _parse_bound(request.GET.get("start", ""))
    end = _parse_bound(request.GET.get("end", ""))
    if start is None or end is None or end <= start:
        return JsonResponse(
            {"error": {"code": "invalid", "message": _("Give the start and end of the period.")}},
            status=400,
        )
    # A day's margin: a post's wall-clock time may differ from UTC by up to 14 hours.
    end = min(end, start + MAX_RANGE)
    filters = filters_from(filter_form(request, request.GET))
    filters.start, filters.end = start - timedelta(days=1), end + timedelta(days=1)
    # The calendar's bounds are wall-clock times too (it runs in UTC).
    wall_start, wall_end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    organisation_zone = request.organisation.timezone
    slug = request.organisation.slug
    events = []
    for post in selectors.post_list(membership=request.membership, filters=filters):
        zone = timeplace.zone_of(post.library) or organisation_zone
        local = timeplace.local(post.scheduled_at, zone).replace(tzinfo=None)
        if not wall_start <= local < wall_end:
            continue
        state = selectors.post_state(post)
        channels = [variant.channel.name for variant in post.variants.all()]
        # The event stands at the library's hour; say so when the viewer's clock differs.
        other = timeplace.differs(post.scheduled_at, zone)
        events.append(
            {
                "id": post.pk,
                "title": f"{post} ({timeplace.zone_label(zone)})" if other else str(post),
                "start": local.isoformat(timespec="minutes"),
                "url": reverse("content:post", kwargs={"org": slug, "post_id": post.pk}),
                "backgroundColor": post.rubric.colour if post.rubric else "#6b7280",
                "borderColor": post.rubric.colour if post.rubric else "#6b7280",
                "editable": state in {"draft", "pending_approval", "scheduled", "failed"},
                "classNames": [f"state-{state}"],
                "extendedProps": {
                    "state": str(VariantState(state).label),
                    "rubric": post.rubric.name if post.rubric else "",
                    "channels": channels,
                    "move": reverse("content:post-move", kwargs={"org": slug, "post_id": post.pk}),
                },
            }
        )
    return JsonResponse(events, safe=False)


@require(rules.can_write_posts)
@require_POST
def post_move(request, post_id):
    """Drag and drop in the calendar: ``start`` is the library's wall clock."""
    post = post_or_404(request, post_id)
    if not may_manage(request, post):
        return JsonResponse(
            {"error": {"code": "forbidden", "message": _("Only editors change others' posts.")}},
            status=403,
        )
    raw = request.POST.get("start", "").removesuffix("Z")
    moment = parse_datetime(raw[:19]) if raw else None
    if moment is None:
        return JsonResponse(
            {"error": {"code": "invalid", "message": _("Choose the date and time.")}}, status=400
        )
    zone = timeplace.zone_of(post.library or request.organisation)
    moment = moment.replace(tzinfo=timeplace.zone_info(zone))
    try:
        scheduling_services.post_reschedule(post=post, actor=request.user, scheduled_at=moment)
    except ServiceError as error:
        return JsonResponse(
            {"error": {"code": error.code, "message": error.message}}, status=error.status
        )
    return JsonResponse({"id": post.pk, "scheduled_at": moment.isoformat()})


def slot_list(request):
    membership = request.membership
    channels = selectors.postable_channels(membership=membership)
    form = SlotForm(request.POST or None, channels=channels)
    if request.method == "POST":
        if not rules.can_publish(membership):
            raise Http404
        if form.is_valid():
            try:
                scheduling_services.slot_add(
                    channel=form.cleaned_data["channel"],
                    actor=request.user,
                    weekday=form.cleaned_data["weekday"],
                    at=form.cleaned_data["time"],
                )
                messages.success(request, _("The slot is added."))
                return redirect("content:slots", org=request.organisation.slug)
            except ServiceError as error:
                apply_service_error(form, error)
    return render(
        request,
        "content/slot_list.html",
        {
            "slots": selectors.slot_list(membership=membership),
            "form": form,
            "can_manage": rules.can_publish(membership),
        },
    )


@require(rules.can_publish)
@require_POST
def slot_delete(request, slot_id):
    slot = selectors.slot_get(membership=request.membership, pk=slot_id)
    if slot is None:
        raise Http404
    scheduling_services.slot_remove(slot=slot, actor=request.user)
    messages.success(request, _("The slot is removed."))
    return redirect("content:slots", org=request.organisation.slug)


def recurrence_list(request):
    membership = request.membership
    form = RecurrenceForm(
        request.POST or None,
        libraries=library_list(membership=membership),
        channels=selectors.postable_channels(membership=membership),
        rubrics=selectors.rubric_list(membership=membership),
    )
    if request.method == "POST":
        if not rules.can_write_posts(membership):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                recurrence = scheduling_services.recurrence_create(
                    organisation=request.organisation,
                    actor=request.user,
                    membership=membership,
                    channels=list(data["channels"]),
                    library=data["library"],
                    title=data["title"],
                    text=data["text"],
                    rubric=data["rubric"],
                    weekday=data["weekday"],
                    at=data["time"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
                messages.success(
                    request,
                    _("Posts created: %(count)s.")
                    % {"count": selectors.recurrence_post_count(recurrence=recurrence)},
                )
                return redirect("content:recurring", org=request.organisation.slug)
            except ServiceError as error:
                apply_service_error(form, error)
    return render(
        request,
        "content/recurrence_list.html",
        {
            "recurrences": selectors.recurrence_list(membership=membership),
            "form": form,
            "can_write": rules.can_write_posts(membership),
        },
    )
