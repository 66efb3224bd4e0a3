from zoneinfo import ZoneInfo

from django import template
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def local_time(moment, zone: str):
    """A moment as the wall clock of a library (d.m.Y H:i), whatever the active time zone."""
    if not moment:
        return "—"
    return date_format(moment.astimezone(ZoneInfo(zone)), "d.m.Y H:i")


@register.filter
def post_zone(post) -> str:
    return post.library.timezone if post.library_id else post.organisation.timezone
