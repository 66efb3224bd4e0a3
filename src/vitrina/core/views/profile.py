from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core import selectors, services
from vitrina.core.forms import ApiTokenForm, ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user, prefix="profile")
    if request.method == "POST" and form.is_valid():
        user = services.user_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        response = redirect("profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response
    return render(
        request,
        "core/profile.html",
        {
            "form": form,
            "token_form": ApiTokenForm(),
            "tokens": selectors.api_token_list(user=request.user),
        },
    )


@login_required
@require_POST
def api_token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "core/profile.html",
            {
                "form": ProfileForm(instance=request.user, prefix="profile"),
                "token_form": form,
                "tokens": selectors.api_token_list(user=request.user),
            },
            status=400,
        )
    token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    return render(request, "core/api_token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def api_token_revoke(request, token_id):
    token = selectors.api_token_get(user=request.user, pk=token_id)
    if token is None:
        raise Http404
    services.api_token_revoke(token=token)
    messages.success(request, _("The token is revoked; programs using it lose access."))
    return redirect("profile")
