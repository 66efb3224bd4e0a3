"""Public pages a reader opens from the library's dialog: linking the card with the
consents, and the reader's own data. No account: the one-time address is the key."""

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from vitrina.core.client_address import client_address
from vitrina.core.views.decorators import apply_service_error
from vitrina.readers.consent_texts import consent_texts, operator_of
from vitrina.readers.forms.linking import DeleteForm, LinkForm
from vitrina.readers.services import consent as consent_services
from vitrina.readers.services import linking
from vitrina.readers.services.linking import LinkRefused

GONE = {"gone": 404, "used": 410, "expired": 410, "locked": 429}


def _gone(request, problem, *, title):
    return render(
        request,
        "readers/public_gone.html",
        {"title": title, "message": problem.message},
        status=GONE.get(problem.code, 410),
    )


@never_cache
@csrf_protect
def link_page(request, token):
    link_request = linking.link_request_find(token)
    problem = linking.link_request_problem(link_request)
    if problem is not None:
        return _gone(request, problem, title=_("Linking a library card"))
    page = linking.link_page(link_request)
    library = page.library
    texts = consent_texts(
        operator=operator_of(library), network=linking.network_title(link_request.channel)
    )
    form = LinkForm(
        request.POST or None,
        verifies_password=page.verifies_password,
        second_factor=page.second_factor,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                linking.reader_link(
                    token=token,
                    card=form.cleaned_data["card"],
                    secret=form.cleaned_data["secret"],
                    purposes=form.cleaned_data["purposes"],
                    ip_address=client_address(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except LinkRefused as error:
                if error.code in GONE or error.code == "throttled":
                    status = 429 if error.code == "throttled" else GONE[error.code]
                    if error.code != "throttled":
                        return _gone(request, error, title=_("Linking a library card"))
                apply_service_error(form, error)
            else:
                return render(
                    request,
                    "readers/link_done.html",
                    {"library": library, "network": linking.network_title(link_request.channel)},
                )
        if status == 200:
            status = 400
    chosen = set(form["purposes"].value() or [])
    return render(
        request,
        "readers/link_page.html",
        {
            "form": form,
            "library": library,
            "connection": page.connection,
            "texts": texts,
            "chosen": chosen,
            "network": linking.network_title(link_request.channel),
            "expires_at": link_request.expires_at,
        },
        status=status,
    )


def _data_context(token):
    link_request, reader, problem = consent_services.data_request_reader(token)
    return link_request, reader, problem


@never_cache
def data_page(request, token):
    link_request, reader, problem = _data_context(token)
    if problem is not None:
        return _gone(request, problem, title=_("My data"))
    data = consent_services.reader_data(reader) if reader is not None else None
    return render(
        request,
        "readers/data_page.html",
        {"data": data, "token": token, "form": DeleteForm(), "expires_at": link_request.expires_at},
    )


@never_cache
def data_export(request, token):
    _link_request, reader, problem = _data_context(token)
    if problem is not None:
        return _gone(request, problem, title=_("My data"))
    if reader is None:
        return redirect("readers_public:reader-data", token=token)
    data = consent_services.reader_data(reader)
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-library-data.json"'
    return response


@never_cache
@csrf_protect
def data_delete(request, token):
    _link_request, reader, problem = _data_context(token)
    if problem is not None:
        return _gone(request, problem, title=_("My data"))
    if reader is None:
        return redirect("readers_public:reader-data", token=token)
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        consent_services.reader_delete(reader=reader)
        return render(request, "readers/data_deleted.html")
    return render(
        request,
        "readers/data_delete.html",
        {"form": form, "token": token, "data": consent_services.reader_data(reader)},
        status=400 if form.errors else 200,
    )
