from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.content.models import Tag
from vitrina.core.widgets import QuickSelect


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

    def __init__(self, *args, libraries, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["tag"].queryset = Tag.objects.filter(organisation=organisation)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


class FiguresForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    followers = forms.IntegerField(label=_("Friends / subscribers"), min_value=0, required=False)
    joined = forms.IntegerField(label=_("Joined"), min_value=0, required=False)
    left = forms.IntegerField(label=_("Left"), min_value=0, required=False)
    visitors = forms.IntegerField(label=_("Visitors"), min_value=0, required=False)
    views = forms.IntegerField(label=_("Views"), min_value=0, required=False)
    reach = forms.IntegerField(label=_("Reach"), min_value=0, required=False)


class FiguresImportForm(forms.Form):
    file = forms.FileField(
        label=_("Table (XLSX or CSV)"),
        help_text=_(
            "The first row names the columns: date, subscribers, joined, left, visitors, "
            "views, reach (any of them besides the date)."
        ),
    )


class DashboardForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    library = forms.ModelChoiceField(
        label=_("Library"),
        queryset=None,
        required=False,
        empty_label=_("All libraries"),
        widget=QuickSelect,
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=None,
        required=False,
        empty_label=_("All channels"),
        widget=QuickSelect,
    )
    rubric = forms.ModelChoiceField(
        label=_("Rubric"),
        queryset=None,
        required=False,
        empty_label=_("All rubrics"),
        widget=QuickSelect,
    )
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=None,
        required=False,
        empty_label=_("All series"),
        widget=QuickSelect,
    )
    growth_from = forms.DateField(
        label=_("Growth from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    growth_to = forms.DateField(
        label=_("Growth to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, libraries, channels, rubrics, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["channel"].queryset = channels
        self.fields["rubric"].queryset = rubrics
        self.fields["series"].queryset = series

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
