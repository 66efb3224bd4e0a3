from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()

DASH = "—"


@register.filter
def figure(value, decimals="-1"):
    """A figure for a table: grouped digits, a dash when it is unknown (never "None").
    ``decimals`` as ``floatformat``'s: a negative number shows decimals only where the value
    has them. Written out here rather than through ``floatformat`` and ``intcomma``: a
    dashboard prints hundreds of figures, and ``intcomma`` groups a localised "1234,5" as
    "1,234,5"."""
    if value is None or value == "":
        return DASH
    thousands, point = _separators()
    if thousands is None or not isinstance(value, int | float | Decimal):
        return intcomma(floatformat(value, decimals))
    if isinstance(value, int):
        return f"{value:,}".replace(",", thousands)
    places = int(decimals)
    if places < 0:
        places = 0 if value == int(value) else -places
    # Rounded as floatformat does: half up, from the shortest decimal form of a float.
    exact = Decimal(repr(value)) if isinstance(value, float) else value
    text = f"{exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # "-0.0" is 0
    whole, _dot, fraction = text.partition(".")
    whole = whole.replace(",", thousands)
    return f"{whole}{point}{fraction}" if fraction else whole


def _separators() -> tuple[str | None, str]:
    """The language's thousands and decimal separators, looked up once per language
    (None for the thousands where digits are not grouped by three)."""
    language = get_language()
    found = _SEPARATORS.get(language)
    if found is None:
        grouped = get_format("NUMBER_GROUPING") == 3
        found = (
            get_format("THOUSAND_SEPARATOR") if grouped else None,
            get_format("DECIMAL_SEPARATOR"),
        )
        _SEPARATORS[language] = found
    return found


_SEPARATORS: dict[str, tuple[str | None, str]] = {}
