"""The wizard's forms: one a step, each giving the plain structure the services take.

Fields are not required here: the services say why a goal or a row is refused, and the
form shows their reason on the field it names. Rows (goals, networks, rubrics, people)
are formsets; a row left empty is not saved.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.core.models import Membership
from vitrina.inbox.models import CannedAnswer
from vitrina.strategy.metrics import metric_choices
from vitrina.strategy.models import AgeGroup, Purpose, Step, Tone
from vitrina.strategy.selectors import networks_facts

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def _network_choices(blank: bool = True) -> list[tuple[str, str]]:
    choices = [(facts["network"], facts["title"]) for facts in networks_facts()]
    return [("", "—"), *choices] if blank else choices


def _plain(value):
    """A form's Decimal as the number the services take (None stays None)."""
    return None if value is None else float(value)


class StepForm(forms.Form):
    """A step's own fields; ``data_of`` turns the cleaned values into the step's data."""

    rows_key = ""  # the list the step's formset fills

    def __init__(self, *args, membership: Membership, **kwargs):
        self.membership = membership
        super().__init__(*args, **kwargs)

    def data_of(self) -> dict:
        return dict(self.cleaned_data)


class RowForm(forms.Form):
    def __init__(self, *args, membership: Membership | None = None, **kwargs):
        self.membership = membership
        super().__init__(*args, **kwargs)

    def data_of(self) -> dict:
        return dict(self.cleaned_data)


class GoalsForm(StepForm):
    rows_key = "goals"
    purposes = forms.MultipleChoiceField(
        label=_("What the pages are for"),
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class GoalRowForm(RowForm):
    title = forms.CharField(label=_("Goal"), max_length=200, required=False)
    metric = forms.ChoiceField(label=_("Figure"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)
    baseline = forms.DecimalField(
        label=_("Baseline"), required=False, min_value=0, max_digits=10, decimal_places=1
    )
    target = forms.DecimalField(
        label=_("Target"), required=False, min_value=0, max_digits=10, decimal_places=1
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—"), *metric_choices()]
        self.fields["network"].choices = _network_choices()

    def data_of(self) -> dict:
        data = dict(self.cleaned_data)
        data["baseline"], data["target"] = _plain(data["baseline"]), _plain(data["target"])
        return data


class AudienceForm(StepForm):
    geography = forms.CharField(
        label=_("Where your readers live"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    age_groups = forms.MultipleChoiceField(
        label=_("Ages and groups"),
        choices=AgeGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interests = forms.CharField(
        label=_("Interests and hobbies"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NetworksForm(StepForm):
    rows_key = "networks"


class NetworkRowForm(RowForm):
    network = forms.ChoiceField(label=_("Network"), required=False)
    reason = forms.CharField(
        label=_("Why this network"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = _network_choices()


class ContentForm(StepForm):
    rows_key = "rubrics"
    tone = forms.ChoiceField(
        label=_("Tone of the posts"),
        choices=[("", "—"), *Tone.choices],
        required=False,
    )
    tone_notes = forms.CharField(
        label=_("Style notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    picture_every_post = forms.BooleanField(label=_("Every post with a picture"), required=False)
    photo_report_share = forms.IntegerField(
        label=_("Share of photo reports, %"), required=False, min_value=0, max_value=100
    )


class HoursField(forms.CharField):
    """Hours of the day as «10, 18»."""

    def to_python(self, value):
        value = super().to_python(value)
        hours = []
        for part in value.replace(";", ",").split(","):
            part = part.strip().split(":")[0]
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or not 0 <= int(part) <= 23:
                raise forms.ValidationError(_("Hours are 0 to 23, separated by commas."))
            hours.append(int(part))
        return hours

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(hour) for hour in value)
        return value


class RubricRowForm(RowForm):
    name = forms.CharField(label=_("Rubric"), max_length=120, required=False)
    target_per_week = forms.DecimalField(
        label=_("Posts a week"), required=False, min_value=0, max_digits=4, decimal_places=1
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours = HoursField(
        label=_("Hours"), required=False, max_length=100, help_text=_("For example: 10, 18")
    )

    def data_of(self) -> dict:
        data = dict(self.cleaned_data)
        data["target_per_week"] = _plain(data["target_per_week"])
        return data


class CommunicationForm(StepForm):
    answer_working_days = forms.IntegerField(
        label=_("Answer readers within, working days"),
        required=False,
        min_value=1,
        max_value=30,
    )
    negativity = forms.CharField(
        label=_("How reviews and negative comments are handled"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    canned_answer_ids = forms.ModelMultipleChoiceField(
        label=_("Canned answers for frequent questions"),
        queryset=CannedAnswer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canned_answer_ids"].queryset = CannedAnswer.objects.filter(
            organisation=self.membership.organisation
        )

    def data_of(self) -> dict:
        data = dict(self.cleaned_data)
        data["canned_answer_ids"] = [answer.pk for answer in data["canned_answer_ids"]]
        return data


class ResourcesForm(StepForm):
    rows_key = "people"


class DutyRowForm(RowForm):
    member_id = forms.TypedChoiceField(
        label=_("Member"), coerce=int, empty_value=None, required=False
    )
    person = forms.CharField(label=_("Or a name"), max_length=200, required=False)
    work = forms.CharField(label=_("What they do"), max_length=300, required=False)
    hours_per_week = forms.DecimalField(
        label=_("Hours a week"), required=False, min_value=0, max_digits=4, decimal_places=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(
            organisation=self.membership.organisation, is_active=True
        ).select_related("user")
        self.fields["member_id"].choices = [
            ("", "—"),
            *[
                (member.pk, member.user.get_full_name() or member.user.username)
                for member in members
            ],
        ]

    def data_of(self) -> dict:
        data = dict(self.cleaned_data)
        data["hours_per_week"] = _plain(data["hours_per_week"])
        return data


class PagesForm(StepForm):
    """A choice of the kind of page for each network chosen in step 3, each kind with
    what it means on that network (from the provider registry)."""

    def __init__(self, *args, networks: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.networks = networks
        for facts in networks:
            self.fields[f"kind_{facts['network']}"] = forms.ChoiceField(
                label=facts["title"],
                choices=[(kind["kind"], kind["label"]) for kind in facts["kinds"]],
                required=False,
                widget=forms.RadioSelect,
            )

    def data_of(self) -> dict:
        return {
            "pages": [
                {"network": facts["network"], "kind": self.cleaned_data[f"kind_{facts['network']}"]}
                for facts in self.networks
                if self.cleaned_data.get(f"kind_{facts['network']}")
            ]
        }


STEP_FORMS = {
    Step.GOALS: (GoalsForm, GoalRowForm),
    Step.AUDIENCE: (AudienceForm, None),
    Step.NETWORKS: (NetworksForm, NetworkRowForm),
    Step.CONTENT: (ContentForm, RubricRowForm),
    Step.COMMUNICATION: (CommunicationForm, None),
    Step.RESOURCES: (ResourcesForm, DutyRowForm),
    Step.PAGES: (PagesForm, None),
}


def row_formset(row_form, *, extra: int):
    return forms.formset_factory(
        row_form, extra=extra, can_delete=True, max_num=30, absolute_max=30
    )
