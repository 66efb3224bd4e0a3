from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vitrina.channels.addresses import normalise_url
from vitrina.channels.models import Channel
from vitrina.channels.networks import KIND_HELP, Kind, Network
from vitrina.core.forms import TimezoneField
from vitrina.core.models import Library


class LibrarySelect(forms.ModelChoiceField):
    def label_from_instance(self, obj: Library) -> str:
        return obj.name


class ChannelForm(forms.ModelForm):
    library = LibrarySelect(
        label=_("Library"),
        queryset=Library.objects.none(),
        error_messages={"required": _("Choose the library that keeps this account.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of account.")},
    )
    timezone = TimezoneField()
    url = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=300,
        help_text=_("For example https://vk.com/medlib42 or t.me/library"),
    )
    created_on = forms.DateField(
        label=_("Date created"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 06.06.2019.")},
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )

    class Meta:
        model = Channel
        fields = [
            "library",
            "network",
            "kind",
            "name",
            "url",
            "external_id",
            "created_on",
            "timezone",
            "audience_notes",
            "posts_per_week",
            "subscribers",
            "visits",
        ]
        widgets = {"audience_notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": _("Enter the channel's name.")},
            "network": {"required": _("Choose a network.")},
        }

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        if not self.instance.pk:
            libraries = list(libraries)
            if len(libraries) == 1:
                # One library: nothing to choose.
                self.fields["library"].initial = libraries[0]
            if libraries:
                self.fields["timezone"].initial = libraries[0].timezone
        self.kind_help = [(Kind(kind).label, text) for kind, text in KIND_HELP.items()]

    def clean(self):
        cleaned = super().clean()
        # The address is judged on the first submit too, beside the other fields' errors;
        # the service normalises it (and answers the API the same way).
        network, url = cleaned.get("network"), cleaned.get("url")
        if network and url:
            try:
                normalise_url(network, url)
            except ValidationError as error:
                self.add_error("url", error.messages[0])
        return cleaned

    def _post_clean(self):
        # Address normalisation, duplicates and kind-per-network checks live in the
        # service so that the API gives the same answers.
        pass


class ChannelFilterForm(forms.Form):
    library = LibrarySelect(
        label=_("Library"),
        queryset=Library.objects.none(),
        required=False,
        empty_label=_("All libraries"),
    )
    network = forms.ChoiceField(
        label=_("Network"),
        required=False,
        choices=[("", _("All networks")), *Network.choices],
    )
    archived = forms.BooleanField(label=_("Archived"), required=False)

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries


class SecretForm(forms.Form):
    value = forms.CharField(
        label=_("Token"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        strip=True,
        error_messages={"required": _("Paste the token.")},
    )
