"""Short links: the public redirect ``/s/<code>`` and the organisation's page of links."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vitrina.core.exceptions import ServiceError
from vitrina.core.views.decorators import require
from vitrina.strategy import clicks, links
from vitrina.strategy.forms_links import ShortLinkForm
from vitrina.strategy.rules import can_edit_strategy, can_read_strategy

LIST_LIMIT = 200


@require_safe
def follow(request, code: str):
    """Redirect to the link's address and count the click; a plain 404 page for a code
    that is unknown or whose outside address is not confirmed yet. (Under a WSGI server
    a working code is answered before Django by ``fastpath``, with the same result.)"""
    found = links.resolve(code)
    if found is None:
        return render(request, "strategy/shortlinks/unknown.html", status=404)
    link_id, target = found
    if request.method == "GET":
        clicks.click_record(link_id=link_id, code=code, request=request)
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response


@require(can_read_strategy)
def link_list(request):
    membership = request.membership
    can_edit = can_edit_strategy(membership)
    form = ShortLinkForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                link = links.shortlink_create(
                    membership=membership,
                    actor=request.user,
                    target_url=form.cleaned_data["target_url"],
                    title=form.cleaned_data["title"],
                )
            except ServiceError as error:
                form.add_error("target_url", error.message)
            else:
                if link.active:
                    messages.success(request, _("The short link is ready."))
                else:
                    messages.warning(
                        request,
                        _(
                            "This address is not one of the library's sites: the link will "
                            "work once an editor confirms it."
                        ),
                    )
                return redirect("shortlinks:list", org=request.organisation.slug)
    items = list(links.shortlink_list(membership=membership)[:LIST_LIMIT])
    totals = links.link_totals(items)
    for item in items:
        item.total_clicks = totals.get(item.pk, 0)
        item.short_url = links.short_url(item.code)
    context = {
        "links": items,
        "form": form,
        "can_edit": can_edit,
        "summary": links.clicks_by(organisation_id=membership.organisation_id),
        "pending": clicks.pending_clicks(),
    }
    return render(request, "strategy/shortlinks/list.html", context)


@require_POST
@require(can_edit_strategy)
def link_confirm(request, link_id: int):
    link = links.shortlink_get(membership=request.membership, pk=link_id)
    if link is None:
        raise Http404
    links.shortlink_confirm(membership=request.membership, actor=request.user, link=link)
    messages.success(request, _("Confirmed: the short link now redirects."))
    return redirect("shortlinks:list", org=request.organisation.slug)
