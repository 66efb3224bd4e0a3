"""Library-system connections of an organisation: list, add, edit, check, upload, harvest."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import apply_service_error, require
from vitrina.readers.forms.connections import ConnectionForm, HarvestForm, UploadForm
from vitrina.readers.models import IlsConnection, IlsKind
from vitrina.readers.selectors.connections import connection_get, connection_list
from vitrina.readers.services import connections as services
from vitrina.readers.services import file_loans


def _list_url(request) -> str:
    return reverse("readers:connections", kwargs={"org": request.organisation.slug})


@require(rules.can_serve_readers)
def connection_index(request):
    connections = list(connection_list(membership=request.membership, include_archived=True))
    return render(
        request,
        "readers/connection_list.html",
        {
            "connections": [c for c in connections if c.archived_at is None],
            "archived": [c for c in connections if c.archived_at is not None],
            "can_manage": rules.can_manage_libraries(request.membership),
            "harvest_form": HarvestForm(),
            "upload_form": UploadForm(),
            "file_kind": IlsKind.FILE,
        },
    )


@require(rules.can_manage_libraries)
def connection_edit(request, connection_id=None):
    connection = None
    if connection_id is not None:
        connection = connection_get(membership=request.membership, connection_id=connection_id)
    initial = None
    if connection is not None:
        initial = {name: getattr(connection, name) for name in services.FIELDS}
    form = ConnectionForm(
        request.POST or None,
        initial=initial,
        libraries=library_list(membership=request.membership),
        stored_secret=bool(connection and connection.secret_ciphertext),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if connection is None:
                connection = services.connection_create(
                    organisation=request.organisation,
                    actor=request.user,
                    secret=form.cleaned_data["secret"],
                    **form.service_fields(),
                )
            else:
                services.connection_update(
                    connection=connection,
                    actor=request.user,
                    secret=form.cleaned_data["secret"],
                    **form.service_fields(),
                )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The connection is saved. Check it now."))
            return redirect(_list_url(request))
    return render(
        request,
        "readers/connection_form.html",
        {"form": form, "connection": connection},
        status=400 if form.errors else 200,
    )


@require(rules.can_manage_libraries)
@require_POST
def connection_check(request, connection_id):
    connection = connection_get(membership=request.membership, connection_id=connection_id)
    services.connection_check(connection=connection, actor=request.user)
    if connection.state == IlsConnection.State.OK:
        messages.success(request, _("The connection works."))
    else:
        messages.error(request, _("The connection does not work: see the problems below."))
    return redirect(_list_url(request))


@require(rules.can_manage_libraries)
def connection_upload(request, connection_id):
    connection = connection_get(membership=request.membership, connection_id=connection_id)
    form = UploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    report = None
    if connection.kind != IlsKind.FILE:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            report = file_loans.file_loans_replace(
                connection=connection, uploaded_file=form.cleaned_data["file"], actor=request.user
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            if report.loaded:
                messages.success(
                    request,
                    _("The file of loans is loaded: %(loaded)s loans of %(rows)s rows.")
                    % {"loaded": report.loaded, "rows": report.rows},
                )
                if not report.errors:
                    return redirect(_list_url(request))
            else:
                form.add_error("file", _("No row of the file could be read; nothing changed."))
    return render(
        request,
        "readers/connection_upload.html",
        {"form": form, "connection": connection, "report": report},
        status=400 if form is None or form.errors else 200,
    )


@require(rules.can_manage_libraries)
@require_POST
def connection_harvest(request, connection_id):
    connection = connection_get(membership=request.membership, connection_id=connection_id)
    form = HarvestForm(request.POST)
    query = form.cleaned_data["query"] if form.is_valid() else ""
    try:
        run = services.connection_harvest(connection=connection, actor=request.user, query=query)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(_list_url(request))
    messages.success(
        request,
        _("The catalogue is loaded: %(total)s read, %(created)s added, %(updated)s updated.")
        % {"total": run.total, "created": run.created, "updated": run.updated},
    )
    return redirect("catalog:import-detail", org=request.organisation.slug, run_id=run.pk)


@require(rules.can_manage_libraries)
@require_POST
def connection_archive(request, connection_id):
    connection = connection_get(membership=request.membership, connection_id=connection_id)
    services.connection_archive(connection=connection, actor=request.user)
    messages.success(request, _("The connection is archived."))
    return redirect(_list_url(request))
