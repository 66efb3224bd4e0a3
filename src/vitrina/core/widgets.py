"""Widgets written directly in Python where Django's template per option is too slow: a
region's filter lists hundreds of channels, and rendering each option through a template
costs more than the rest of the page."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A single-choice select with the same markup as Django's, without optgroups."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    str(option),
                    mark_safe(" selected") if str(option) in selected else "",
                    label,
                )
                for option, label in self.choices
            ),
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class _ListedChoices(ModelChoiceIterator):
    """Reads the choices with one plain query: Django's own iterator reads them through a
    server-side cursor, three round trips to PostgreSQL for every select on the page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class QuickChoiceField(forms.ModelChoiceField):
    """A model choice rendered as a ``QuickSelect`` from choices read in one query."""

    iterator = _ListedChoices
    widget = QuickSelect
