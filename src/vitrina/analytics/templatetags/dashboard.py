"""The dashboard's long tables, written directly: a year by day is 365 rows, and a
template per cell costs more than the rest of the page."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from vitrina.core.templatetags.vitrina import figure

register = template.Library()


@register.simple_tag
def day_rows(rows):
    """A table body of days with subscribers and visitors; a day whose subscribers hold
    fewer channels than the period's best-read days says so beside its sum."""
    return format_html_join(
        "",
        '<tr><td>{}</td><td class="number">{}</td><td class="number">{}</td></tr>',
        (
            (row["day"].strftime("%d.%m.%Y"), _subscribers(row), figure(row["visitors"]))
            for row in rows
        ),
    )


def _subscribers(row) -> str:
    if row.get("partial") is None:
        return figure(row["followers"])
    note = ngettext(
        "%(read)s of %(full)s channel", "%(read)s of %(full)s channels", row["full"]
    ) % {"read": row["read"], "full": row["full"]}
    return format_html('{} <small class="muted">({})</small>', figure(row["partial"]), note)


@register.simple_tag
def week_rows(rows):
    """A table body of weeks (their Mondays) with posts and views."""
    return _dated_rows(rows, "week", "posts", "views")


def _dated_rows(rows, when: str, *figures: str):
    return format_html_join(
        "",
        '<tr><td>{}</td><td class="number">{}</td><td class="number">{}</td></tr>',
        (
            (row[when].strftime("%d.%m.%Y"), *(figure(row[name]) for name in figures))
            for row in rows
        ),
    )


@register.simple_tag
def heatmap_cells(cells):
    """One weekday's cells: the shade, and for an hour with posts its mean views leading to
    those posts, with the count in the title."""
    return format_html_join("", "{}", ((_heatmap_cell(cell),) for cell in cells))


def _heatmap_cell(cell) -> str:
    if not cell["posts"]:
        return format_html('<td class="level-{}"></td>', cell["level"])
    views = figure(cell["views"], 0)
    title = ngettext(
        "%(posts)s post, %(views)s views on average",
        "%(posts)s posts, %(views)s views on average",
        cell["posts"],
    ) % {"posts": cell["posts"], "views": views}
    return format_html(
        '<td class="level-{}" title="{}"><a href="{}">{}</a></td>',
        cell["level"],
        title,
        cell["url"],
        views,
    )
