from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

register = template.Library()

DASH = "—"


@register.filter
def figure(value, decimals="-1"):
    """A figure for a table: grouped digits, a dash when it is unknown (never "None")."""
    if value is None or value == "":
        return DASH
    if isinstance(value, int):
        return intcomma(value)
    return intcomma(floatformat(value, decimals))
