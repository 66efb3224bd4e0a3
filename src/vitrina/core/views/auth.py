from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core import services
from vitrina.core.exceptions import ServiceError
from vitrina.core.forms import (
    RegistrationForm,
    ThrottledAuthenticationForm,
    ThrottledPasswordChangeForm,
    ThrottledPasswordResetForm,
)
from vitrina.core.selectors import memberships_of


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The interface speaks the person's language from the first page on.
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.get_user().language, samesite="Lax")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm
    template_name = "core/password_change.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    template_name = "core/password_reset.html"
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def home(request):
    """Send the person to the organisation they worked in last, or to their first one."""
    if not request.user.is_authenticated:
        return redirect("login")
    memberships = list(memberships_of(request.user))
    if not memberships:
        return render(request, "core/no_organisation.html")
    last = request.session.get("organisation")
    chosen = next((m for m in memberships if m.organisation.slug == last), memberships[0])
    return redirect("organisation-home", org=chosen.organisation.slug)


def organisation_home(request):
    return redirect("channels:list", org=request.organisation.slug)


@require_POST
def set_language(request):
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    return response


def invitation_accept(request, token: str):
    invitation = services.invitation_find(token)
    if invitation is None or not invitation.is_pending:
        return render(request, "core/invitation_invalid.html", status=404)
    form = None
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        if user is None:
            form = RegistrationForm(request.POST)
            if form.is_valid():
                user = services.user_create(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    email=invitation.email,
                    full_name=form.cleaned_data["full_name"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user is not None:
            try:
                services.invitation_accept(invitation=invitation, user=user)
            except ServiceError as error:
                messages.error(request, error.message)
                return redirect("home")
            messages.success(
                request,
                _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation.name},
            )
            return redirect("organisation-home", org=invitation.organisation.slug)
    elif not request.user.is_authenticated:
        form = RegistrationForm()
    login_url = reverse("login") + "?next=" + request.path
    return render(
        request,
        "core/invitation_accept.html",
        {"invitation": invitation, "form": form, "login_url": login_url},
    )
