"""The reader's linking page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.readers.models import IlsConnection, Purpose


class LinkForm(forms.Form):
    card = forms.CharField(
        label=_("Library card number"),
        max_length=40,
        error_messages={"required": _("Enter the number of your library card.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    secret = forms.CharField(
        max_length=200, error_messages={"required": _("This field is required.")}
    )
    purposes = forms.MultipleChoiceField(
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, verifies_password: bool, second_factor: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["secret"]
        if verifies_password:
            field.label = _("Your password for the library's electronic catalogue")
            field.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
            field.help_text = _("The library system checks it; Vitrina does not keep it.")
        elif second_factor == IlsConnection.SecondFactor.BIRTH_YEAR:
            field.label = _("Your year of birth")
            field.widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        else:
            field.label = _("Your surname")
            field.widget = forms.TextInput(attrs={"autocomplete": "family-name"})

    def clean(self):
        data = super().clean()
        if not data.get("purposes"):
            self.add_error(
                "purposes",
                _("Choose at least one purpose: without consent the library cannot write to you."),
            )
        return data


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete all my data"),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )
