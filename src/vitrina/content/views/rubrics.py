"""Rubrics, series and tags of the organisation."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.content import selectors
from vitrina.content.forms import RubricForm, SeriesForm
from vitrina.content.services import rubrics as rubric_services
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
    counts = selectors.taxonomy_with_counts(
        membership=membership, week_start=week_start, week_end=week_end
    )
    return render(
        request,
        "content/rubric_list.html",
        {
            "rubrics": counts.rubrics,
            "series": counts.series,
            "tags": counts.tags,
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
        initial = {name: getattr(rubric, name) for name in rubric_services.RUBRIC_FIELDS}
    form = RubricForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["utm_campaign"] = data.get("utm_campaign") or ""
        try:
            rubric_services.rubric_save(
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
        initial = {name: getattr(series, name) for name in rubric_services.SERIES_FIELDS}
    form = SeriesForm(
        request.POST or None,
        initial=initial,
        rubrics=selectors.rubric_list(membership=request.membership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            rubric_services.series_save(
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
