from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import get_language

from vitrina.core import timeplace

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


@register.filter
def at_place(moment, place):
    """``{{ post.scheduled_at|at_place:post }}``: the moment on its place's clock, labelled
    when the viewer's clock differs («01.12.2026 14:00 по Екатеринбургу»). ``place`` is the
    thing the moment belongs to (a post, variant, channel, message, library…) or a zone."""
    return timeplace.format_at_place(moment, timeplace.zone_of(place), nbsp=True)


@register.filter
def day_at_place(moment, place):
    """``{{ thread.last_message_at|day_at_place:thread }}``: the place's day of a moment."""
    return timeplace.format_at_place(moment, timeplace.zone_of(place), fmt="d.m.Y")


@register.simple_tag
def time_at_place(moment, place, fmt=timeplace.DEFAULT_FORMAT):
    """``{% time_at_place post.scheduled_at post "j E Y, H:i" %}``: as ``at_place``, in a
    format of one's own (``as name`` keeps it for a sentence)."""
    return timeplace.format_at_place(moment, timeplace.zone_of(place), fmt=fmt, nbsp=True)


@register.filter
def zone_label(place):
    """``{{ slot.time|time:"H:i" }} {{ slot.channel|zone_label }}``: «по Екатеринбургу» after
    an hour of the day of that place, when the viewer's clock differs (empty otherwise)."""
    zone = timeplace.zone_of(place)
    if not zone or not timeplace.differs(timezone.now(), zone):
        return ""
    return timeplace.zone_label(zone).replace(" ", timeplace.NBSP)


@register.filter
def zone_name(place):
    """``{{ channel|zone_name }}``: the zone of a place by its Russian name («Екатеринбург»)."""
    zone = timeplace.zone_of(place)
    return timeplace.zone_name(zone) if zone else DASH
