"""Templates and text blocks, guest links, the public guest page and the plan import."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.content import importing, selectors
from vitrina.content.forms import (
    GuestLinkForm,
    GuestPostForm,
    ImportForm,
    TemplateForm,
    TextBlockForm,
)
from vitrina.content.services import guests as guest_services
from vitrina.content.services import importing as import_services
from vitrina.content.services import templates as template_services
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import apply_service_error, require


def template_list(request):
    membership = request.membership
    rubrics = selectors.rubric_list(membership=membership)
    can_manage = rules.can_publish(membership)
    template_form = TemplateForm(
        request.POST if request.POST.get("kind") == "template" else None, rubrics=rubrics
    )
    block_form = TextBlockForm(request.POST if request.POST.get("kind") == "block" else None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        form = template_form if request.POST.get("kind") == "template" else block_form
        if form.is_valid():
            try:
                if form is template_form:
                    template_services.template_save(
                        organisation=request.organisation, actor=request.user, **form.cleaned_data
                    )
                else:
                    template_services.text_block_save(
                        organisation=request.organisation, actor=request.user, **form.cleaned_data
                    )
                messages.success(request, _("Saved."))
                return redirect("content:templates", org=request.organisation.slug)
            except ServiceError as error:
                apply_service_error(form, error)
    return render(
        request,
        "content/template_list.html",
        {
            "templates": selectors.template_list(membership=membership),
            "blocks": selectors.text_block_list(membership=membership),
            "template_form": template_form,
            "block_form": block_form,
            "can_manage": can_manage,
            "placeholders": template_services.placeholder_names(),
        },
    )


@require(rules.can_publish)
@require_POST
def template_delete(request, template_id):
    obj = selectors.template_get(membership=request.membership, pk=template_id)
    if obj is None:
        raise Http404
    template_services.template_delete(obj=obj, actor=request.user)
    messages.success(request, _("Deleted."))
    return redirect("content:templates", org=request.organisation.slug)


@require(rules.can_publish)
@require_POST
def text_block_delete(request, block_id):
    obj = selectors.text_block_get(membership=request.membership, pk=block_id)
    if obj is None:
        raise Http404
    template_services.template_delete(obj=obj, actor=request.user)
    messages.success(request, _("Deleted."))
    return redirect("content:templates", org=request.organisation.slug)


@require(rules.can_publish)
def guest_links(request):
    membership = request.membership
    form = GuestLinkForm(request.POST or None, libraries=library_list(membership=membership))
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _link, token = guest_services.guest_link_create(
                organisation=request.organisation,
                actor=request.user,
                note=form.cleaned_data["note"],
                library=form.cleaned_data["library"],
            )
            created = request.build_absolute_uri(reverse("guest-post", kwargs={"token": token}))
            form = GuestLinkForm(libraries=library_list(membership=membership))
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request,
        "content/guest_links.html",
        {
            "links": selectors.guest_link_list(membership=membership),
            "form": form,
            "created": created,
            "days": guest_services.GUEST_LINK_DAYS,
        },
    )


def guest_post(request, token):
    """The public page of a guest link: no account, one post, then the link is spent."""
    link = guest_services.guest_link_for(token)
    if link is None:
        return render(request, "content/guest_gone.html", status=410)
    form = GuestPostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            guest_services.guest_post_submit(
                token=token,
                name=form.cleaned_data["name"],
                text=form.cleaned_data["text"],
                images=[(upload.name, upload.read()) for upload in form.cleaned_data["images"]],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            return render(request, "content/guest_thanks.html", {"link": link})
    return render(
        request,
        "content/guest_post.html",
        {"form": form, "link": link},
    )


@require(rules.can_write_posts)
def plan_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importing.read_rows(upload.read(), upload.name)
            report = import_services.plan_import(
                membership=request.membership,
                rows=rows,
                images={image.name: image.read() for image in form.cleaned_data["images"]},
                schedule=form.cleaned_data["schedule"] and rules.can_publish(request.membership),
            )
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request,
        "content/import.html",
        {
            "form": form,
            "report": report,
            "can_publish": rules.can_publish(request.membership),
        },
    )
