"""Pages of the strategy: the overview, the seven steps of the wizard and the document.

Every step is saved as it is left: the buttons that move to another step submit the form
first, so nothing typed is lost; the overview resumes at the first step not yet saved.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from vitrina.core.exceptions import ServiceError
from vitrina.core.exports import registry
from vitrina.core.exports.formats import response
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import require
from vitrina.strategy import selectors
from vitrina.strategy.export import DOCUMENT
from vitrina.strategy.forms import STEP_FORMS, row_formset
from vitrina.strategy.help import HELP, QUESTIONS
from vitrina.strategy.metrics import METRICS, figure_text
from vitrina.strategy.models import STEPS, Step
from vitrina.strategy.rules import can_edit_strategy, can_read_strategy
from vitrina.strategy.services import strategy_step_save

EXTRA_ROWS = 2


def _library(request, library_id):
    if library_id is None:
        return None
    library = selectors.library_get(membership=request.membership, pk=library_id)
    if library is None:
        raise Http404
    return library


def _step_url(request, step: str, library) -> str:
    org = request.organisation.slug
    if library is None:
        return reverse(f"strategy:{step}", kwargs={"org": org})
    return reverse(f"strategy:library-{step}", kwargs={"org": org, "library_id": library.pk})


def _steps_nav(request, strategy, library, current: str = "") -> list[dict]:
    done = strategy.steps_done if strategy else []
    return [
        {
            "key": step,
            "number": index,
            "label": Step(step).label,
            "question": QUESTIONS[step],
            "done": step in done,
            "current": step == current,
            "url": _step_url(request, step, library),
        }
        for index, step in enumerate(STEPS, start=1)
    ]


def _goals_rows(strategy) -> list[dict]:
    if strategy is None:
        return []
    rows = []
    for goal in strategy.goals.all():
        metric = METRICS.get(goal.metric)
        unit = metric.unit if metric else ""
        rows.append(
            {
                "goal": goal,
                "metric": metric,
                "network": selectors.network_facts(goal.network)["title"] if goal.network else "",
                "baseline": figure_text(goal.baseline, unit),
                "target": figure_text(goal.target, unit),
            }
        )
    return rows


@require(can_read_strategy)
def overview(request, library_id=None):
    library = _library(request, library_id)
    membership = request.membership
    strategy = selectors.strategy_get(membership=membership, library=library)
    all_done = strategy is not None and len(strategy.steps_done) == len(STEPS)
    # Resume at the first step not saved yet; a finished strategy opens at its beginning.
    resume = STEPS[0] if all_done else selectors.next_step(strategy)
    context = {
        "library": library,
        "strategy": strategy,
        "steps": _steps_nav(request, strategy, library),
        "resume_url": _step_url(request, resume, library),
        "resume_label": Step(resume).label,
        "all_done": all_done,
        "goals": _goals_rows(strategy),
        "can_edit": can_edit_strategy(membership),
        "profiles": list(selectors.profile_channels(membership=membership)),
    }
    if library is None:
        context["library_strategies"] = list(selectors.library_strategies(membership=membership))
        have = {item.library_id for item in context["library_strategies"]}
        context["libraries"] = [
            item for item in library_list(membership=membership) if item.pk not in have
        ]
    if strategy is not None:
        context["docx_url"] = (
            reverse("strategy:docx", kwargs={"org": request.organisation.slug})
            if library is None
            else reverse(
                "strategy:library-docx",
                kwargs={"org": request.organisation.slug, "library_id": library.pk},
            )
        )
    return render(request, "strategy/overview.html", context)


@require(can_edit_strategy)
def library_start(request):
    """Open a library's own strategy (nothing is written until its first step is saved)."""
    raw = request.GET.get("library", "")
    library = (
        selectors.library_get(membership=request.membership, pk=int(raw))
        if raw.isdigit() and len(raw) < 19
        else None
    )
    if library is None:
        messages.error(request, _("Choose a library of this organisation."))
        return redirect("strategy:overview", org=request.organisation.slug)
    return redirect(_step_url(request, STEPS[0], library))


def _initial(step: str, data: dict, rows_key: str) -> tuple[dict, list[dict]]:
    step_data = dict(data[step])
    if step == Step.PAGES:
        return {f"kind_{row['network']}": row["kind"] for row in step_data["pages"]}, []
    rows = step_data.pop(rows_key, []) if rows_key else []
    return step_data, rows


def _empty(values: dict) -> bool:
    return all(value in (None, "", [], False) for key, value in values.items() if key != "DELETE")


def _show_error(error: ServiceError, form, formset, indices: list[int], payload: dict) -> None:
    parts = (error.field or "").split(".")
    if formset is not None and parts[0] == form.rows_key and len(parts) == 3 and parts[1].isdigit():
        index = int(parts[1])
        if index < len(indices):
            row = formset.forms[indices[index]]
            row.add_error(parts[2] if parts[2] in row.fields else None, error.message)
            return
    if parts[0] == "pages" and len(parts) == 3 and parts[1].isdigit():
        pages = payload.get("pages", [])
        index = int(parts[1])
        name = f"kind_{pages[index]['network']}" if index < len(pages) else None
        form.add_error(name if name in form.fields else None, error.message)
        return
    form.add_error(parts[0] if parts[0] in form.fields else None, error.message)


@require(can_read_strategy)
def step(request, step, library_id=None):
    library = _library(request, library_id)
    membership = request.membership
    strategy = selectors.strategy_get(membership=membership, library=library)
    data = selectors.strategy_data(strategy)
    can_edit = can_edit_strategy(membership)
    form_class, row_class = STEP_FORMS[step]
    rows_key = form_class.rows_key
    extra = {}
    if step == Step.PAGES:
        extra["networks"] = [
            selectors.network_facts(row["network"]) for row in data["networks"]["networks"]
        ]
    initial, rows = _initial(step, data, rows_key)
    formset_class = row_formset(row_class, extra=EXTRA_ROWS) if row_class else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = form_class(request.POST, membership=membership, initial=initial, **extra)
        formset = (
            formset_class(request.POST, prefix="rows", form_kwargs={"membership": membership})
            if formset_class
            else None
        )
        if form.is_valid() and (formset is None or formset.is_valid()):
            payload = form.data_of()
            indices = []
            if formset is not None:
                payload[rows_key] = []
                for index, row in enumerate(formset.forms):
                    values = row.cleaned_data
                    if not values or values.get("DELETE") or _empty(values):
                        continue
                    values = row.data_of()
                    values.pop("DELETE", None)
                    payload[rows_key].append(values)
                    indices.append(index)
            try:
                strategy_step_save(membership=membership, step=step, data=payload, library=library)
            except ServiceError as error:
                _show_error(error, form, formset, indices, payload)
            else:
                messages.success(
                    request, _("The step “%(step)s” is saved.") % {"step": Step(step).label}
                )
                return redirect(_after(request, step, library))
        status = 400
    else:
        form = form_class(membership=membership, initial=initial, **extra)
        formset = (
            formset_class(initial=rows, prefix="rows", form_kwargs={"membership": membership})
            if formset_class
            else None
        )
    index = STEPS.index(step)
    context = {
        "library": library,
        "strategy": strategy,
        "step": step,
        "step_label": Step(step).label,
        "number": index + 1,
        "question": QUESTIONS[step],
        "help": HELP[step],
        "steps": _steps_nav(request, strategy, library, current=step),
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else "",
        "form": form,
        "formset": formset,
        "can_edit": can_edit,
        "overview_url": reverse("strategy:overview", kwargs={"org": request.organisation.slug})
        if library is None
        else reverse(
            "strategy:library",
            kwargs={"org": request.organisation.slug, "library_id": library.pk},
        ),
    }
    if step == Step.NETWORKS:
        context["networks_facts"] = selectors.networks_facts()
    if step == Step.PAGES:
        context["profiles"] = list(selectors.profile_channels(membership=membership))
    if step == Step.COMMUNICATION:
        context["organisation_days"] = request.organisation.answer_working_days
    return render(request, f"strategy/step_{step}.html", context, status=status)


def _after(request, step: str, library) -> str:
    """Where a saved step goes: the step the person asked for, else the next one, else
    the overview."""
    wanted = request.POST.get("go", "")
    if wanted in STEPS:
        return _step_url(request, wanted, library)
    index = STEPS.index(step)
    if wanted == "next" and index + 1 < len(STEPS):
        return _step_url(request, STEPS[index + 1], library)
    if wanted == "stay":
        return _step_url(request, step, library)
    org = request.organisation.slug
    if library is None:
        return reverse("strategy:overview", kwargs={"org": org})
    return reverse("strategy:library", kwargs={"org": org, "library_id": library.pk})


@require(can_read_strategy)
def export(request, library_id=None):
    library = _library(request, library_id)
    strategy = selectors.strategy_get(membership=request.membership, library=library)
    if strategy is None:
        raise Http404
    document = registry.document(DOCUMENT.key, membership=request.membership, strategy=strategy)
    name = f"strategy-{request.organisation.slug}" + (f"-{library.pk}" if library else "")
    return response(document, "docx", filename=name, allowed=DOCUMENT.formats)
