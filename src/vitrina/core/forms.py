from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.core import selectors, throttle, timeplace
from vitrina.core.client_address import client_address
from vitrina.core.models import Library, Organisation, User
from vitrina.core.roles import ROLE_HELP, Role


def timezone_choices() -> list[tuple[str, str]]:
    """Russia's zones west to east by their Russian names, then the rest of the world."""
    return timeplace.zone_choices()


class TimezoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=timezone_choices, **kwargs)


class LibraryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Library) -> str:
        return obj.name


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many unsuccessful attempts. Sign-in is paused for a while; "
            "try again later or reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip_address = client_address(self.request) if self.request else None
        if throttle.is_locked(username, ip_address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.register_failure(username, ip_address)
            raise
        throttle.clear_failures(username)
        return cleaned


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """A session left open must not let anyone guess the password by changing it."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "locked": _(
            "Too many wrong passwords. Changing the password is paused for a while; "
            "try again later."
        ),
    }

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        username = self.user.get_username()
        ip_address = client_address(self.request) if self.request else None
        scope = throttle.PASSWORD_CHANGE
        if throttle.is_locked(username, ip_address, scope):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            old_password = super().clean_old_password()
        except forms.ValidationError:
            throttle.register_failure(username, ip_address, scope)
            raise
        throttle.clear_failures(username, scope)
        return old_password


class ThrottledPasswordResetForm(PasswordResetForm):
    """Every request sends a letter: a few per address and e-mail, then a pause.

    Requests count whether or not the address belongs to someone, so the answer tells
    nothing about who has an account."""

    error_messages = {
        "locked": _(
            "Too many requests to reset a password. Please wait a while and try again; "
            "the letters already sent are still valid."
        ),
    }

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email") or ""
        ip_address = client_address(self.request) if self.request else None
        if throttle.is_locked(email, ip_address, throttle.PASSWORD_RESET):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        throttle.register_failure(email, ip_address, throttle.PASSWORD_RESET)
        return cleaned


class OrganisationForm(forms.ModelForm):
    timezone = TimezoneField()

    class Meta:
        model = Organisation
        fields = ["name", "kind", "timezone", "retry_window_hours", "answer_working_days"]


def _https_formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class LibraryForm(forms.ModelForm):
    timezone = TimezoneField()

    class Meta:
        model = Library
        formfield_callback = _https_formfield
        fields = [
            "name",
            "short_name",
            "parent",
            "timezone",
            "website_url",
            "catalogue_url",
            "elibrary_url",
        ]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        kwargs.setdefault("instance", Library(organisation=organisation))
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.organisation_libraries(
            organisation=organisation, exclude_pk=self.instance.pk
        )
        self.fields["parent"].required = False
        self.fields["name"].error_messages["required"] = _("Enter the library's name.")


def _role_choices():
    return [(role.value, f"{role.label} — {ROLE_HELP[role]}") for role in Role]


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_role_choices, widget=forms.RadioSelect)
    libraries = LibraryChoiceField(
        label=_("Limited to libraries"),
        queryset=Library.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unchecked to give access to every library."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["libraries"].queryset = selectors.organisation_libraries(
            organisation=organisation
        ).order_by("name")


class InvitationForm(MembershipForm):
    email = forms.EmailField(
        label=_("E-mail"),
        error_messages={
            "required": _("Enter the e-mail address to send the invitation to."),
            "invalid": _("This does not look like an e-mail address."),
        },
    )
    field_order = ["email", "role", "libraries"]


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={
            "invalid": _("Use letters, digits and @ . + - _ only, without spaces."),
        },
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if selectors.username_taken(username):
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Interface language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["full_name", "email", "language"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “report script”."),
        error_messages={"required": _("Give the token a name.")},
    )
