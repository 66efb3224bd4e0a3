"""The form of a library's reminder settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.channels.providers.registry import provider_classes
from vitrina.readers.models import ReminderSettings
from vitrina.readers.services.reminders import network_facts, reminder_settings_problems


def network_rows() -> list[dict]:
    """Every network with what the registry says of writing to readers, for the page."""
    rows = []
    for cls in provider_classes():
        facts = network_facts(cls.network)
        if not facts["can_write_first"]:
            facts["reason"] = facts["note"] or _("The community cannot write to a reader first.")
        elif facts["foreign"]:
            facts["reason"] = _(
                "Off by default: 41-ФЗ restricts state and municipal institutions' use of "
                "foreign messengers for talking to citizens. Turn it on only on your lawyer's "
                "advice."
            )
        else:
            facts["reason"] = facts["note"]  # what to mind, in the network's own words
        rows.append(facts)
    return rows


def _number(label, low, high, help_text="", **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "required": _("Give a number."),
            "invalid": _("Give a whole number."),
            "min_value": _("At least %(limit_value)s."),
            "max_value": _("At most %(limit_value)s."),
        },
        **kwargs,
    )


def _time(label, help_text=""):
    return forms.TimeField(
        label=label,
        help_text=help_text,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Give a time."), "invalid": _("Give a time like 10:00.")},
    )


class ReminderSettingsForm(forms.ModelForm):
    due_soon_days = _number(
        _("Days before the due date"), 0, 30, _("0: no reminder before the due date.")
    )
    overdue_first_days = _number(_("First debt reminder, days after the due date"), 1, 60)
    overdue_repeat_days = _number(
        _("Repeat, days after the first"), 0, 60, _("0: no repeated reminder.")
    )
    overdue_final_days = _number(
        _("Final reminder, days after the due date"), 0, 365, _("0: no final reminder.")
    )
    send_from = _time(_("Send from"), _("In the library's own time zone."))
    send_until = _time(_("Send until"))
    daily_cap = _number(
        _("At most messages a day per reader"),
        1,
        20,
        _("Several books due the same day go in one message."),
    )
    networks = forms.MultipleChoiceField(
        label=_("Networks reminders go through"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the networks that serve readers by default."),
    )

    class Meta:
        model = ReminderSettings
        fields = [
            "enabled",
            "due_soon_days",
            "due_today",
            "overdue_first_days",
            "overdue_repeat_days",
            "overdue_final_days",
            "send_from",
            "send_until",
            "daily_cap",
            "networks",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every network is listed, so one that cannot write first is refused in words
        # rather than silently missing.
        self.fields["networks"].choices = [
            (cls.network, cls.title or cls.network) for cls in provider_classes()
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = ReminderSettings(**{k: v for k, v in data.items() if k != "networks"})
        candidate.networks = list(data.get("networks") or [])
        for field, problem in reminder_settings_problems(candidate):
            self.add_error(field if field in self.fields else None, problem)
        return data
