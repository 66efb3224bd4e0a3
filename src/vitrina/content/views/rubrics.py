"""Rubrics, series and tags of the organisation."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.content import selectors, services
from vitrina.content.forms import RubricForm, SeriesForm
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.views.decorators import apply_service_error, require


def rubric_list(request):
    membership = request.membership
    zone = ZoneInfo(request.organisation.timezone)
    today = timezone.now().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    week_start = datetime.combine(monday, time.min, tzinfo=zone)
    week_end = week_start + timedelta(days=7)
    return render(
        request,
        "content/rubric_list.html",
        {
            "rubrics": selectors.rubric_list(membership=membership).annotate(
                post_count=Count("posts", distinct=True),
                week_count=Count(
                    "posts",
                    filter=Q(posts__scheduled_at__gte=week_start, posts__scheduled_at__lt=week_end),
                    distinct=True,
                ),
            ),
            "series": selectors.series_list(membership=membership).annotate(
                post_count=Count("posts")
            ),
            "tags": selectors.tag_list(membership=membership).annotate(post_count=Count("posts")),
            "can_manage": rules.can_publish(membership),
        },
    )


@require(rules.can_publish)
def rubric_edit(request, rubric_id=None):
    rubric = None
    if rubric_id:
        rubric = selectors.rubric_get(membership=request.membership, pk=rubric_id)
        if rubric is None:
            raise Http404
    initial = None
    if rubric is not None:
        initial = {name: getattr(rubric, name) for name in services.RUBRIC_FIELDS}
    form = RubricForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["utm_campaign"] = data.get("utm_campaign") or ""
        try:
            services.rubric_save(
                organisation=request.organisation, actor=request.user, rubric=rubric, **data
            )
            messages.success(request, _("Saved."))
            return redirect("content:rubrics", org=request.organisation.slug)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request,
        "content/simple_form.html",
        {
            "form": form,
            "title": rubric.name if rubric else _("New rubric"),
            "back": "content:rubrics",
        },
    )


@require(rules.can_publish)
def series_edit(request, series_id=None):
    series = None
    if series_id:
        series = selectors.series_get(membership=request.membership, pk=series_id)
        if series is None:
            raise Http404
    initial = None
    if series is not None:
        initial = {name: getattr(series, name) for name in services.SERIES_FIELDS}
    form = SeriesForm(
        request.POST or None,
        initial=initial,
        rubrics=selectors.rubric_list(membership=request.membership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.series_save(
                organisation=request.organisation,
                actor=request.user,
                series=series,
                **form.cleaned_data,
            )
            messages.success(request, _("Saved."))
            return redirect("content:rubrics", org=request.organisation.slug)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request,
        "content/simple_form.html",
        {
            "form": form,
            "title": series.name if series else _("New series"),
            "back": "content:rubrics",
        },
    )
