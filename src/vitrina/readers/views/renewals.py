"""The renewal queue (requests waiting for a librarian, the oldest first, each confirmed
or refused in one click) and «Продлить» on the inbox's thread page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.roles import Permission
from vitrina.core.timeplace import format_at_place
from vitrina.core.views.decorators import require
from vitrina.inbox import selectors as inbox_selectors
from vitrina.readers import refusals
from vitrina.readers.forms.renewals import ConfirmForm, RefuseForm, ThreadRenewForm
from vitrina.readers.models import RenewalRequest
from vitrina.readers.selectors import renewals as selectors
from vitrina.readers.services import renewal_queue as decisions
from vitrina.readers.services import renewals

PAGE_SIZE = 30


def _prefix(request_id: int, kind: str) -> str:
    return f"{kind}{request_id}"


def member(membership) -> bool:
    """Anyone of the organisation: analysts see the counts, librarians the requests."""
    return rules.has_permission(membership, Permission.VIEW)


@require(member)
def renewal_queue(request):
    membership = request.membership
    if not rules.can_serve_readers(membership):
        return render(
            request,
            "readers/renewals.html",
            {"counts_only": True, "counts": selectors.renewal_counts(membership)},
        )
    page = Paginator(selectors.renewal_queue(membership), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for item in page.object_list:
        today = selectors.library_today(item.reader.library)
        item.days_left = (item.due - today).days
        item.days_overdue = max(0, -item.days_left)
        item.confirm_form = ConfirmForm(
            initial={"new_due": decisions.default_new_due(item)}, prefix=_prefix(item.pk, "c")
        )
        item.refuse_form = RefuseForm(prefix=_prefix(item.pk, "r"))
    return render(
        request,
        "readers/renewals.html",
        {
            "page": page,
            "requests": page.object_list,
            "retrying": selectors.renewal_retrying(membership),
        },
    )


def _request_or_404(request, renewal_id: int) -> RenewalRequest:
    found = selectors.renewal_get(membership=request.membership, pk=renewal_id)
    if found is None:
        raise Http404
    return found


def _said(request, renewal: RenewalRequest) -> str:
    """What the librarian is told once the request is decided."""
    card = renewal.reader.card
    if renewal.state == RenewalRequest.State.RENEWED:
        return _("Renewed until %(day)s for card %(card)s; the reader is told.") % {
            "day": format_at_place(renewal.new_due, None, fmt="d.m.Y"),
            "card": card,
        }
    if renewal.state == RenewalRequest.State.REFUSED:
        return _("Refused for card %(card)s: %(reason)s The reader is told.") % {
            "card": card,
            "reason": renewals.reason_of(renewal),
        }
    return _("The library system did not answer; the request will be tried again. %(problem)s") % {
        "problem": renewal.refusal_text
    }


def _back(request):
    return redirect("readers:renewals", org=request.organisation.slug)


@require_POST
@require(rules.can_serve_readers)
def renewal_confirm(request, renewal_id):
    renewal = _request_or_404(request, renewal_id)
    form = ConfirmForm(request.POST, prefix=_prefix(renewal.pk, "c"))
    if not form.is_valid():
        messages.error(request, _("Give the new due date as a date."))
        return _back(request)
    try:
        renewal = decisions.renewal_confirm(
            membership=request.membership, request=renewal, new_due=form.cleaned_data["new_due"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        level = messages.success if renewal.state != "failed" else messages.warning
        level(request, _said(request, renewal))
    return _back(request)


@require_POST
@require(rules.can_serve_readers)
def renewal_refuse(request, renewal_id):
    renewal = _request_or_404(request, renewal_id)
    form = RefuseForm(request.POST, prefix=_prefix(renewal.pk, "r"))
    if not form.is_valid():
        messages.error(request, _("Choose a reason from the list."))
        return _back(request)
    try:
        renewal = decisions.renewal_refuse(
            membership=request.membership,
            request=renewal,
            code=form.cleaned_data["code"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _said(request, renewal))
    return _back(request)


def _outcome_said(outcome: renewals.Outcome) -> tuple[str, bool]:
    """The librarian's sentence about a renewal from the inbox, and whether it worked."""
    if outcome.kind == renewals.RENEWED:
        day = format_at_place(outcome.new_due, None, fmt="d.m.Y")
        return _("Renewed until %(day)s; the reader is told.") % {"day": day}, True
    if outcome.kind in (renewals.REFUSED, renewals.GONE):
        reason = (
            renewals.reason_of(outcome.request)
            if outcome.request is not None
            else refusals.refusal_text(refusals.NO_CHECKOUT)
        )
        return _("The library system refused: %(reason)s The reader is told.") % {
            "reason": reason
        }, False
    if outcome.kind == renewals.BUSY:
        return _("This loan is being renewed right now."), False
    return _(
        "The library system is not answering; the renewal will be tried again and the reader told."
    ), False


@require_POST
@require(rules.can_serve_readers)
def thread_renew(request, thread_id):
    thread = inbox_selectors.thread_get(membership=request.membership, pk=thread_id)
    if thread is None:
        raise Http404
    back = redirect("inbox:thread", org=request.organisation.slug, thread_id=thread.pk)
    form = ThreadRenewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new due date as a date."))
        return back
    try:
        outcome = decisions.renewal_from_thread(
            membership=request.membership,
            thread=thread,
            loan_id=form.cleaned_data["loan_id"],
            new_due=form.cleaned_data["new_due"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return back
    text, worked = _outcome_said(outcome)
    (messages.success if worked else messages.warning)(request, text)
    return back
