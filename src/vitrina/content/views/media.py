"""The organisation's media library: upload, describe, reuse."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.content import selectors
from vitrina.content.forms import AltTextForm, MediaUploadForm
from vitrina.content.services import media as media_services
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.views.decorators import require


def _asset_or_404(request, asset_id):
    asset = selectors.media_get(membership=request.membership, pk=asset_id)
    if asset is None:
        raise Http404
    return asset


def asset_json(request, asset) -> dict:
    return {
        "id": asset.pk,
        "name": asset.original_name,
        "alt_text": asset.alt_text,
        "width": asset.width,
        "height": asset.height,
        "url": reverse(
            "content:media-file", kwargs={"org": request.organisation.slug, "asset_id": asset.pk}
        ),
    }


def media_list(request):
    assets = selectors.media_list(membership=request.membership)
    page = Paginator(assets, 48).get_page(request.GET.get("page"))
    return render(
        request,
        "content/media_list.html",
        {
            "page": page,
            "upload_form": MediaUploadForm(),
            "can_write": rules.can_write_posts(request.membership),
        },
    )


@require(rules.can_write_posts)
@require_POST
def media_upload(request):
    """Several pictures at once; each is kept or refused with its own reason."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = MediaUploadForm(request.POST, request.FILES)
    uploaded, errors = [], []
    if form.is_valid():
        for upload in form.cleaned_data["files"]:
            try:
                asset = media_services.media_upload(
                    organisation=request.organisation,
                    actor=request.user,
                    data=upload.read(),
                    name=upload.name,
                )
                uploaded.append(asset)
            except ServiceError as error:
                errors.append(error.message)
    else:
        errors.append(_("Choose one or more pictures."))
    if wants_json:
        return JsonResponse(
            {
                "uploaded": [asset_json(request, asset) for asset in uploaded],
                "errors": errors,
            },
            status=200 if uploaded or not errors else 400,
        )
    for message in errors:
        messages.error(request, message)
    if uploaded:
        messages.success(request, _("Pictures added: %(count)s.") % {"count": len(uploaded)})
    return redirect("content:media", org=request.organisation.slug)


@require(rules.can_write_posts)
@require_POST
def media_edit(request, asset_id):
    asset = _asset_or_404(request, asset_id)
    form = AltTextForm(request.POST)
    if form.is_valid():
        media_services.media_describe(
            asset=asset, actor=request.user, alt_text=form.cleaned_data["alt_text"]
        )
        messages.success(request, _("The description is saved."))
    else:
        messages.error(request, _("The description may have at most 500 characters."))
    return redirect("content:media", org=request.organisation.slug)


def media_file(request, asset_id):
    asset = _asset_or_404(request, asset_id)
    try:
        handle = asset.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=asset.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response
