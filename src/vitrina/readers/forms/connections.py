"""Forms of library-system connections."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.readers.models import IlsConnection, IlsKind


class ConnectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    library = forms.ModelChoiceField(
        label=_("Library"),
        queryset=None,
        required=False,
        empty_label=_("The whole organisation"),
        help_text=_("A library's own connection serves it; the organisation's serves the rest."),
    )
    kind = forms.ChoiceField(label=_("Library system"), choices=IlsKind.choices)
    base_url = forms.CharField(
        label=_("Koha server's address"),
        max_length=300,
        required=False,
        help_text=_("The server's root, e.g. https://koha.library.ru; the API is under /api/v1/."),
    )
    auth = forms.ChoiceField(
        label=_("Authentication"), choices=IlsConnection.Auth.choices, required=False
    )
    host = forms.CharField(label=_("IRBIS64 server"), max_length=200, required=False)
    port = forms.IntegerField(
        label=_("Port"), required=False, min_value=1, max_value=65535, initial=6666
    )
    username = forms.CharField(
        label=_("Login or client id"),
        max_length=200,
        required=False,
        help_text=_("Koha: a staff API user with the borrowers and circulate permissions."),
    )
    secret = forms.CharField(
        label=_("Password or client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    readers_database = forms.CharField(
        label=_("Readers' database"), max_length=20, required=False, initial="RDR"
    )
    catalogue_database = forms.CharField(
        label=_("Catalogue database"), max_length=20, required=False, initial="IBIS"
    )
    second_factor = forms.ChoiceField(
        label=_("What a reader gives beside the card"),
        choices=IlsConnection.SecondFactor.choices,
        required=False,
        help_text=_("IRBIS64 and a file of loans: Koha readers give their catalogue password."),
    )

    def __init__(self, *args, libraries, stored_secret=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        if stored_secret:
            self.fields["secret"].help_text = _(
                "Stored. Leave empty to keep it, or enter a new one to replace it."
            )
            self.fields["secret"].label = _("Replace the password or client secret")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("secret", None)
        data["auth"] = data.get("auth") or IlsConnection.Auth.BASIC
        data["second_factor"] = data.get("second_factor") or IlsConnection.SecondFactor.SURNAME
        data["readers_database"] = data.get("readers_database") or "RDR"
        data["catalogue_database"] = data.get("catalogue_database") or "IBIS"
        for name in ("base_url", "host", "username"):
            data[name] = data.get(name) or ""
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of loans (CSV or XLSX)"),
        error_messages={"required": _("Choose the file.")},
    )


class HarvestForm(forms.Form):
    query = forms.CharField(
        label=_("Search"),
        max_length=1000,
        required=False,
        help_text=_(
            'Empty: the whole catalogue. Koha: a JSON filter; IRBIS64: a search like "A=ПУШКИН$".'
        ),
    )
