"""The debtors list: overdue loans by days overdue, each with who was reminded when and
how it went; analysts see the counts only. Its XLSX comes from the export layer."""

from django.core.paginator import Paginator
from django.shortcuts import render

from vitrina.core import rules
from vitrina.core.exports import registry
from vitrina.core.exports.formats import response
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import require
from vitrina.readers.exports import DEBTORS, choice_label, reminder_summary
from vitrina.readers.forms.renewals import DebtorFilterForm
from vitrina.readers.models import RenewalRequest
from vitrina.readers.selectors import debtors as selectors
from vitrina.readers.views.renewals import member

PAGE_SIZE = 50


def _filters(request) -> tuple[DebtorFilterForm, str, int | None]:
    form = DebtorFilterForm(
        request.GET or None, libraries=library_list(membership=request.membership)
    )
    if form.is_valid():
        library = form.cleaned_data["library"]
        return form, form.cleaned_data["group"], library.pk if library else None
    return form, "", None


@require(member)
def debtor_list(request):
    membership = request.membership
    form, group, library_id = _filters(request)
    counts = selectors.debtor_counts(membership, library_id=library_id)
    context = {
        "filter_form": form,
        "counts": counts,
        "groups": [(item, counts[item.key]) for item in selectors.groups()],
        "counts_only": not rules.can_serve_readers(membership),
    }
    if not context["counts_only"]:
        loans = selectors.with_history(
            selectors.overdue_loans(membership, group=group, library_id=library_id)
        )
        page = Paginator(loans, PAGE_SIZE).get_page(request.GET.get("page"))
        for loan in page.object_list:
            loan.days_overdue = selectors.days_overdue(loan)
            loan.reminder = reminder_summary(loan)
            loan.renewal_label = choice_label(RenewalRequest.State, loan.renewal_state)
        query = request.GET.copy()
        query.pop("page", None)
        context["page"], context["loans"] = page, page.object_list
        context["query"] = query.urlencode()
    return render(request, "readers/debtors.html", context)


@require(rules.can_serve_readers)
def debtor_export(request):
    _form, group, library_id = _filters(request)
    document = registry.document(
        DEBTORS, membership=request.membership, group=group, library_id=library_id
    )
    return response(
        document,
        "xlsx",
        filename=f"debtors-{request.organisation.slug}",
        allowed=registry.get(DEBTORS).formats,
    )
