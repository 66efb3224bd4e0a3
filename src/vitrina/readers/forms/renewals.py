"""Forms of the renewal queue, the inbox's renewal action and the debtors list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.readers import refusals
from vitrina.readers.selectors.debtors import groups


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConfirmForm(forms.Form):
    new_due = forms.DateField(label=_("New due date"), widget=_date_input())


class RefuseForm(forms.Form):
    code = forms.ChoiceField(label=_("Reason"), choices=())
    note = forms.CharField(
        label=_("In your own words (for «Other»)"), max_length=500, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = refusals.reason_choices()


class ThreadRenewForm(forms.Form):
    loan_id = forms.CharField(max_length=100, widget=forms.HiddenInput)
    new_due = forms.DateField(label=_("New due date"), required=False, widget=_date_input())


class DebtorFilterForm(forms.Form):
    group = forms.ChoiceField(label=_("Days overdue"), required=False, choices=())
    library = forms.ModelChoiceField(
        label=_("Library"), required=False, queryset=None, empty_label=_("All libraries")
    )

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("Any")), *[(g.key, g.label) for g in groups()]]
        self.fields["library"].queryset = libraries
