from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.channels.models import Channel
from vitrina.content.checks import POLL_MAX_ANSWERS, POLL_MIN_ANSWERS
from vitrina.content.models import PostingSlot, Rubric, Series
from vitrina.core.models import Library, User

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ChannelChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Channel) -> str:
        return f"{obj.get_network_display()} · {obj.name}"


class PostForm(forms.Form):
    library = NamedChoice(
        label=_("Library"),
        queryset=Library.objects.none(),
        required=False,
        empty_label=_("The whole organisation"),
    )
    channels = ChannelChoice(
        label=_("Channels"),
        queryset=Channel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=_("Working title"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    rubric = NamedChoice(
        label=_("Rubric"), queryset=Rubric.objects.none(), required=False, empty_label=_("None")
    )
    series = NamedChoice(
        label=_("Series"), queryset=Series.objects.none(), required=False, empty_label=_("None")
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas: книги, юбилей"),
    )
    about_people = forms.BooleanField(
        label=_("About people"),
        required=False,
        help_text=_("A story of a reader, a writer, a colleague: analytics counts these apart."),
    )
    link_url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        error_messages={"invalid": _("Enter an address such as https://library.ru/page")},
        assume_scheme="https",
    )
    add_utm = forms.BooleanField(
        label=_("Mark links to the library's sites for statistics (UTM)"), required=False
    )
    poll_question = forms.CharField(label=_("Poll question"), max_length=300, required=False)
    poll_answers = forms.CharField(
        label=_("Answers, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    poll_anonymous = forms.BooleanField(label=_("Anonymous poll"), required=False)
    poll_multiple = forms.BooleanField(label=_("Several answers allowed"), required=False)
    poll_ends_at = forms.DateTimeField(
        label=_("Poll ends"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": _("Enter a date and time, for example 24.11.2026 10:00.")},
    )
    scheduled_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": _("Enter a date and time, for example 24.11.2026 10:00.")},
    )
    upload = MultipleFileField(label=_("Add pictures"), required=False)

    def __init__(self, *args, libraries, channels, rubrics, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["channels"].queryset = channels
        self.fields["rubric"].queryset = rubrics
        self.fields["series"].queryset = series

    def clean_poll_answers(self):
        raw = self.cleaned_data.get("poll_answers") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def clean_tags(self):
        raw = self.cleaned_data.get("tags") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def clean(self):
        data = super().clean()
        answers = data.get("poll_answers") or []
        if (data.get("poll_question") or answers) and not (
            POLL_MIN_ANSWERS <= len(answers) <= POLL_MAX_ANSWERS
        ):
            self.add_error(
                "poll_answers",
                _("A poll needs from %(min)s to %(max)s answers.")
                % {"min": POLL_MIN_ANSWERS, "max": POLL_MAX_ANSWERS},
            )
        return data


class VariantForm(forms.Form):
    text = forms.CharField(
        label=_("Text for this channel"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What to change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what to change.")},
    )


class RubricForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#1f5f8b",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    target_per_week = forms.DecimalField(
        label=_("Posts a week (target)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
    )
    utm_campaign = forms.SlugField(
        label=_("Campaign in links"),
        required=False,
        max_length=60,
        help_text=_("Latin letters, digits and hyphens: virtual-exhibitions"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SeriesForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    rubric = NamedChoice(label=_("Rubric"), queryset=Rubric.objects.none(), required=False)
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=DateInput(), input_formats=DATE_FORMATS
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=DateInput(), input_formats=DATE_FORMATS
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, rubrics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics


class MediaUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Pictures"), error_messages={"required": _("Choose one or more pictures.")}
    )


class AltTextForm(forms.Form):
    alt_text = forms.CharField(
        label=_("Description for the visually impaired"), max_length=500, required=False
    )


class SlotForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.none())
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=PostingSlot.Weekday.choices, coerce=int
    )
    time = forms.TimeField(
        label=_("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 10:00.")},
    )

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels
        self.fields["channel"].label_from_instance = lambda obj: (
            f"{obj.get_network_display()} · {obj.name}"
        )


class RecurrenceForm(forms.Form):
    title = forms.CharField(label=_("Working title"), max_length=200)
    library = NamedChoice(
        label=_("Library"),
        queryset=Library.objects.none(),
        required=False,
        empty_label=_("The whole organisation"),
    )
    channels = ChannelChoice(
        label=_("Channels"),
        queryset=Channel.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one channel.")},
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    rubric = NamedChoice(label=_("Rubric"), queryset=Rubric.objects.none(), required=False)
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=PostingSlot.Weekday.choices, coerce=int
    )
    time = forms.TimeField(
        label=_("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 10:00.")},
    )
    starts_on = forms.DateField(
        label=_("Starts on"), widget=DateInput(), input_formats=DATE_FORMATS
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), input_formats=DATE_FORMATS)

    def __init__(self, *args, libraries, channels, rubrics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["channels"].queryset = channels
        self.fields["rubric"].queryset = rubrics


class PostFilterForm(forms.Form):
    library = NamedChoice(
        label=_("Library"),
        queryset=Library.objects.none(),
        required=False,
        empty_label=_("All libraries"),
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("All channels"),
    )
    rubric = NamedChoice(
        label=_("Rubric"),
        queryset=Rubric.objects.none(),
        required=False,
        empty_label=_("All rubrics"),
    )
    author = forms.ModelChoiceField(
        label=_("Author"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All authors"),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    query = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, libraries, channels, rubrics, states, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = authors
        self.fields["author"].label_from_instance = lambda obj: obj.get_full_name() or obj.username
        self.fields["library"].queryset = libraries
        self.fields["channel"].queryset = channels
        self.fields["channel"].label_from_instance = lambda obj: obj.name
        self.fields["rubric"].queryset = rubrics
        self.fields["state"].choices = [("", _("All states")), *states]


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    rubric = NamedChoice(
        label=_("Rubric"), queryset=Rubric.objects.none(), required=False, empty_label=_("None")
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, rubrics, **kwargs):
        super().__init__(*args, prefix="template", **kwargs)
        self.fields["rubric"].queryset = rubrics


class TextBlockForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="block", **kwargs)


class GuestLinkForm(forms.Form):
    note = forms.CharField(
        label=_("For whom"),
        max_length=200,
        help_text=_("For example: a reader, Ivan Petrov, about the book club"),
        error_messages={"required": _("Say whom the link is for.")},
    )
    library = NamedChoice(
        label=_("Library"),
        queryset=Library.objects.none(),
        required=False,
        empty_label=_("The whole organisation"),
    )

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries


class GuestPostForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Introduce yourself.")},
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=16000,
        error_messages={"required": _("Write the text.")},
    )
    images = MultipleFileField(label=_("Pictures"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Content plan (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("Choose the file of the plan.")},
    )
    images = MultipleFileField(label=_("Pictures named in the plan"), required=False)
    schedule = forms.BooleanField(label=_("Schedule the posts at once"), required=False)
