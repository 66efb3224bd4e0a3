"""The librarians' readers page: linked readers per library, their consents and links."""

from django.core.paginator import Paginator
from django.shortcuts import render

from vitrina.core import rules
from vitrina.core.roles import Permission
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import require
from vitrina.readers.forms.readers import ReaderFilterForm
from vitrina.readers.selectors import readers as selectors

PAGE_SIZE = 30


def can_see_readers(membership) -> bool:
    """The page's counts are for everyone of the organisation; the readers themselves only
    for those who serve readers."""
    return rules.has_permission(membership, Permission.VIEW)


@require(can_see_readers)
def reader_list(request):
    membership = request.membership
    if not rules.can_serve_readers(membership):
        return render(
            request,
            "readers/reader_counts.html",
            {"counts": selectors.reader_counts(membership=membership)},
        )
    libraries = library_list(membership=membership)
    form = ReaderFilterForm(request.GET or None, libraries=libraries)
    filters = selectors.ReaderFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ReaderFilter(
            library_id=data["library"].pk if data["library"] else None,
            consent=data["consent"],
            state=data["state"],
        )
    page = Paginator(
        selectors.reader_list(membership=membership, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [
        {"reader": reader, "consents": selectors.consent_by_purpose(reader)}
        for reader in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "readers/reader_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "counts": selectors.reader_counts(membership=membership),
        },
    )
