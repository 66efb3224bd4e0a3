"""The filters of the readers page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.readers.models import Purpose, ReaderLink


class ReaderFilterForm(forms.Form):
    library = forms.ModelChoiceField(
        label=_("Library"), queryset=None, required=False, empty_label=_("All libraries")
    )
    consent = forms.ChoiceField(
        label=_("Consent"),
        required=False,
        choices=[("", _("Any")), *Purpose.choices, ("none", _("None left"))],
    )
    state = forms.ChoiceField(
        label=_("Link"), required=False, choices=[("", _("Any")), *ReaderLink.State.choices]
    )

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
