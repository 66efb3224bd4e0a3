from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format

register = template.Library()

DASH = "—"


@register.filter
def figure(value, decimals="-1"):
    """A figure for a table: grouped digits, a dash when it is unknown (never "None")."""
    if value is None or value == "":
        return DASH
    if isinstance(value, int):
        return _grouped(value)
    return intcomma(floatformat(value, decimals))


def _grouped(value: int) -> str:
    """``intcomma`` of an integer without its per-call formatting machinery: dashboards
    print hundreds of figures."""
    if get_format("NUMBER_GROUPING") != 3:
        return intcomma(value)
    return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))
