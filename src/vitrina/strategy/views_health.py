"""The page «Здоровье страниц»: every health check with its figures and advice, the
«Проверить сейчас» button and the confirmations of official pages' facts."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.exceptions import ServiceError
from vitrina.core.views.decorators import require
from vitrina.strategy.health.base import STATUS_LABELS
from vitrina.strategy.health.facts import page_fact_set
from vitrina.strategy.health.runs import health_run_save
from vitrina.strategy.models import HealthRun
from vitrina.strategy.rules import can_edit_strategy, can_read_strategy


def _labelled(results: list[dict]) -> list[dict]:
    for check in results:
        check["status_label"] = str(STATUS_LABELS.get(check["status"], ""))
        for row in check["rows"]:
            row["status_label"] = str(STATUS_LABELS.get(row["status"], ""))
    return results


@require(can_read_strategy)
def health(request):
    """The latest checks; checked now when there are none yet."""
    organisation = request.organisation
    run = HealthRun.objects.filter(organisation=organisation).order_by("-checked_at").first()
    if run is None:
        run = health_run_save(organisation=organisation)
    return render(
        request,
        "strategy/health.html",
        {
            "run": run,
            "checks": _labelled(list(run.results)),
            "can_edit": can_edit_strategy(request.membership),
        },
    )


def _back(request):
    return redirect(reverse("strategy:health", kwargs={"org": request.organisation.slug}))


@require_POST
@require(can_read_strategy)
def health_check_now(request):
    health_run_save(organisation=request.organisation)
    messages.success(request, _("Checked just now."))
    return _back(request)


@require_POST
@require(can_edit_strategy)
def page_fact(request):
    try:
        channel_id = int(request.POST.get("channel", ""))
    except ValueError:
        messages.error(request, _("No such official page."))
        return _back(request)
    try:
        page_fact_set(
            membership=request.membership,
            channel_id=channel_id,
            fact=request.POST.get("fact", ""),
            confirmed=request.POST.get("confirmed", "1") == "1",
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return _back(request)
    health_run_save(organisation=request.organisation)
    messages.success(request, _("Saved, and the pages checked again."))
    return _back(request)
