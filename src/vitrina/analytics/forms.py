from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.analytics.services.account_figures import local_today
from vitrina.content.models import Tag
from vitrina.core.widgets import QuickChoiceField


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    library = forms.ModelChoiceField(
        label=_("Library"),
        queryset=None,
        required=False,
        empty_label=_("The whole organisation"),
    )
    tag = forms.ModelChoiceField(
        label=_("Only posts tagged"),
        queryset=None,
        required=False,
        empty_label=_("All posts"),
        help_text=_("For a department's own report: mark its posts with a tag."),
    )
    growth_since = forms.DateField(
        label=_("Count the growth of subscribers since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example, 15.03.2020; by default the start of the period."),
    )
    conclusions = forms.CharField(
        label=_("Conclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The library's own words: the exports carry them after the tables."),
    )
    signer_position = forms.CharField(
        label=_("Position of the signer"),
        required=False,
        max_length=200,
        help_text=_("For example, «Директор ЦБС»: the signature block under the report."),
    )
    signer_name = forms.CharField(
        label=_("Name of the signer"),
        required=False,
        max_length=200,
        help_text=_("For example, «С. А. Иванова»."),
    )

    def __init__(self, *args, libraries, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["tag"].queryset = Tag.objects.filter(organisation=organisation)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        since, end = data.get("growth_since"), data.get("date_to")
        if since and end and since > end:
            self.add_error(
                "growth_since", _("The growth of subscribers cannot start after the period ends.")
            )
        return data


class ReportWordingForm(forms.Form):
    """The library's own words on the report's page: conclusions and who signs."""

    conclusions = ReportForm.base_fields["conclusions"]
    signer_position = ReportForm.base_fields["signer_position"]
    signer_name = ReportForm.base_fields["signer_name"]


class ZonedForm(forms.Form):
    """A form whose dates are checked against "today" where the channel is."""

    def __init__(self, *args, zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone


class FiguresForm(ZonedForm):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    followers = forms.IntegerField(label=_("Friends / subscribers"), min_value=0, required=False)
    joined = forms.IntegerField(label=_("Joined"), min_value=0, required=False)
    left = forms.IntegerField(label=_("Left"), min_value=0, required=False)
    visitors = forms.IntegerField(label=_("Visitors"), min_value=0, required=False)
    views = forms.IntegerField(label=_("Views"), min_value=0, required=False)
    reach = forms.IntegerField(label=_("Reach"), min_value=0, required=False)

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > local_today(self.zone):
            raise forms.ValidationError(_("The day has not come yet: enter figures of past days."))
        return day


class FiguresImportForm(forms.Form):
    file = forms.FileField(
        label=_("Table (XLSX or CSV)"),
        help_text=_(
            "The first row names the columns: date, subscribers, joined, left, visitors, "
            "views, reach (any of them besides the date)."
        ),
    )


class PostFiguresForm(ZonedForm):
    link = forms.CharField(
        label=_("Link to the post or its id"),
        max_length=300,
        required=False,
        help_text=_("Without a link or id, give the date and the start of the text."),
    )
    published = forms.DateTimeField(
        label=_("Published"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d"],
    )
    text = forms.CharField(label=_("Start of the text"), max_length=300, required=False)
    views = forms.IntegerField(label=_("Views"), min_value=0, required=False)
    likes = forms.IntegerField(label=_("Likes"), min_value=0, required=False)
    reposts = forms.IntegerField(label=_("Reposts"), min_value=0, required=False)
    comments = forms.IntegerField(label=_("Comments"), min_value=0, required=False)
    reach = forms.IntegerField(label=_("Reach"), min_value=0, required=False)

    def clean_published(self):
        published = self.cleaned_data.get("published")
        if published and published.astimezone(ZoneInfo(self.zone)).date() > local_today(self.zone):
            raise forms.ValidationError(_("The publication date has not come yet."))
        return published


class PostFiguresImportForm(forms.Form):
    file = forms.FileField(
        label=_("Table (XLSX or CSV)"),
        help_text=_(
            "The first row names the columns: link (or post id, or date and text), views, "
            "likes, reposts, comments, reach (any of them)."
        ),
    )


def _scope_choice(label, empty_label) -> forms.ModelChoiceField:
    """One of the dashboard's scope selects; its choices are set by the view."""
    return QuickChoiceField(label=label, queryset=None, required=False, empty_label=empty_label)


class DashboardForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    library = _scope_choice(_("Library"), _("All libraries"))
    channel = _scope_choice(_("Channel"), _("All channels"))
    rubric = _scope_choice(_("Rubric"), _("All rubrics"))
    series = _scope_choice(_("Series"), _("All series"))
    exhibition = _scope_choice(_("Virtual exhibition"), _("All exhibitions"))
    growth_from = forms.DateField(
        label=_("Growth from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    growth_to = forms.DateField(
        label=_("Growth to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, libraries, channels, rubrics, series, exhibitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["channel"].queryset = channels
        self.fields["rubric"].queryset = rubrics
        self.fields["series"].queryset = series
        self.fields["exhibition"].queryset = exhibitions

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
