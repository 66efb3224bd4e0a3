from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.channels.models import Channel
from vitrina.content.forms import DATETIME_FORMATS, ChannelChoice, DateTimeLocalInput, NamedChoice
from vitrina.core.models import Library


class ExhibitionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    slug = forms.CharField(
        label=_("Address of the public page"),
        max_length=80,
        required=False,
        help_text=_("Latin letters, digits and hyphens; made from the title when left empty."),
    )
    annotation = forms.CharField(
        label=_("Annotation"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    library = NamedChoice(
        label=_("Library whose e-catalogue the books link to"),
        queryset=Library.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=300)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False)


class BookForm(forms.Form):
    section = forms.TypedChoiceField(
        label=_("Section"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a book that is not in the catalogue."),
    )
    note = forms.CharField(
        label=_("Librarian's note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False)
    cover = forms.ImageField(label=_("Cover"), required=False)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("No section"))] + [
            (section.pk, section.title) for section in sections
        ]


class PostsForm(forms.Form):
    channels = ChannelChoice(
        label=_("Channels"), queryset=Channel.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    starts_at = forms.DateTimeField(
        label=_("Opening post at"),
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": _("Enter a date and time, for example 24.11.2026 10:00.")},
    )
    interval_days = forms.IntegerField(
        label=_("Days between posts"), min_value=1, max_value=60, initial=1
    )
    per_post = forms.IntegerField(label=_("Books a post"), min_value=1, max_value=10, initial=2)
    carousel = forms.BooleanField(
        label=_("All books in one post (a carousel, as many as the networks take)"),
        required=False,
    )
    schedule = forms.BooleanField(
        label=_("Send to the schedule at once (otherwise drafts)"), required=False, initial=True
    )

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = channels


class ArrivalsForm(forms.Form):
    received_from = forms.DateField(
        label=_("Received from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    received_to = forms.DateField(
        label=_("Received to"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end comes before the start."))
        return data


class DraftPostForm(forms.Form):
    channels = ChannelChoice(
        label=_("Channels"), queryset=Channel.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    scheduled_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": _("Enter a date and time, for example 24.11.2026 10:00.")},
    )

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = channels
