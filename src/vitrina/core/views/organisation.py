"""Settings of an organisation: its details, libraries, people and the audit log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core import rules, selectors, services
from vitrina.core.exceptions import ServiceError
from vitrina.core.forms import InvitationForm, LibraryForm, MembershipForm, OrganisationForm
from vitrina.core.views.decorators import apply_service_error, require

AUDIT_PAGE_SIZE = 50


def settings_home(request):
    organisation = request.organisation
    can_edit = rules.can_manage_organisation(request.membership)
    form = OrganisationForm(request.POST or None, instance=organisation) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.organisation_update(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("Saved."))
            return redirect("settings-home", org=organisation.slug)
    return render(
        request,
        "core/settings_home.html",
        {
            "form": form,
            "libraries": selectors.library_tree(membership=request.membership),
            "can_manage_libraries": rules.can_manage_libraries(request.membership),
        },
    )


def library_list(request):
    show_archived = request.GET.get("archived") == "1"
    return render(
        request,
        "core/library_list.html",
        {
            "libraries": selectors.library_tree(
                membership=request.membership, include_archived=show_archived
            ),
            "show_archived": show_archived,
            "can_manage": rules.can_manage_libraries(request.membership),
        },
    )


def _library_or_404(request, library_id):
    library = selectors.library_get(membership=request.membership, pk=library_id)
    if library is None:
        raise Http404
    return library


@require(rules.can_manage_libraries)
def library_edit(request, library_id=None):
    library = _library_or_404(request, library_id) if library_id else None
    form = (
        LibraryForm(request.POST or None, instance=library, organisation=request.organisation)
        if library
        else LibraryForm(request.POST or None, organisation=request.organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if library is None:
                library = services.library_create(
                    organisation=request.organisation, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("The library has been added."))
            else:
                services.library_update(library=library, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Saved."))
            return redirect("library-list", org=request.organisation.slug)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(request, "core/library_form.html", {"form": form, "library": library})


@require(rules.can_manage_libraries)
@require_POST
def library_archive(request, library_id):
    library = _library_or_404(request, library_id)
    archive = request.POST.get("action") != "restore"
    try:
        services.library_set_archived(library=library, actor=request.user, archived=archive)
        messages.success(
            request, _("The library is archived.") if archive else _("The library is restored.")
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("library-list", org=request.organisation.slug)


@require(rules.can_manage_members)
def member_list(request):
    return render(
        request,
        "core/member_list.html",
        {
            "members": selectors.member_list(organisation=request.organisation),
            "invitations": [
                invitation
                for invitation in selectors.invitation_list(organisation=request.organisation)
                if invitation.is_pending
            ],
            "invite_form": InvitationForm(organisation=request.organisation),
        },
    )


def _member_or_404(request, member_id):
    member = selectors.member_get(organisation=request.organisation, pk=member_id)
    if member is None:
        raise Http404
    return member


@require(rules.can_manage_members)
def member_edit(request, member_id):
    member = _member_or_404(request, member_id)
    initial = {"role": member.role, "libraries": list(member.libraries.all())}
    form = MembershipForm(request.POST or None, initial=initial, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change(
                membership=member,
                actor=request.user,
                role=form.cleaned_data["role"],
                libraries=form.cleaned_data["libraries"],
            )
            messages.success(request, _("Saved."))
            return redirect("member-list", org=request.organisation.slug)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(request, "core/member_form.html", {"form": form, "member": member})


@require(rules.can_manage_members)
@require_POST
def member_set_active(request, member_id):
    member = _member_or_404(request, member_id)
    active = request.POST.get("action") == "reactivate"
    try:
        services.membership_set_active(membership=member, actor=request.user, active=active)
        messages.success(
            request,
            _("%(name)s can work again.") % {"name": member.user}
            if active
            else _("%(name)s no longer has access.") % {"name": member.user},
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("member-list", org=request.organisation.slug)


@require(rules.can_manage_members)
def invitation_create(request):
    form = InvitationForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, link = services.invitation_create(
                organisation=request.organisation,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                libraries=form.cleaned_data["libraries"],
            )
            return render(
                request, "core/invitation_sent.html", {"invitation": invitation, "link": link}
            )
        except ServiceError as error:
            apply_service_error(form, error)
    return render(request, "core/invitation_form.html", {"form": form})


@require(rules.can_manage_members)
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = selectors.invitation_get(organisation=request.organisation, pk=invitation_id)
    if invitation is None:
        raise Http404
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
        messages.success(request, _("The invitation is revoked."))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("member-list", org=request.organisation.slug)


AUDIT_FILTERS = [
    ("", _("Everything")),
    ("auth.", _("Sign-ins")),
    ("member.", _("People and roles")),
    ("invitation.", _("Invitations")),
    ("channel.", _("Channels")),
    ("library.", _("Libraries")),
    ("organisation.", _("Organisation")),
]


@require(rules.can_view_audit)
def audit_log(request):
    prefix = request.GET.get("what", "")
    if prefix not in dict(AUDIT_FILTERS):
        prefix = ""
    entries = selectors.audit_list(organisation=request.organisation, action_prefix=prefix)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "filters": AUDIT_FILTERS, "current": prefix},
    )
