from django import forms
from django.utils.translation import gettext_lazy as _


class ShortLinkForm(forms.Form):
    target_url = forms.URLField(
        label=_("Address"),
        max_length=1000,
        assume_scheme="https",
        help_text=_("A page of the library's site, e-catalogue or e-library."),
    )
    title = forms.CharField(label=_("What it is"), max_length=200, required=False)
