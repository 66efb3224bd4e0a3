"""A draft post for a memorable date: the anniversary, the person or event, a cover and a
short list of the catalogue's books by or about them, scheduled on the day."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vitrina.catalog import memorable, selectors
from vitrina.catalog.bibrecord import from_dict
from vitrina.catalog.covers import render_cover
from vitrina.catalog.gost import describe_short
from vitrina.catalog.models import MemorableDate, Record
from vitrina.channels.models import Channel
from vitrina.content.models import Post
from vitrina.content.services.media import media_upload
from vitrina.content.services.posts import post_create
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership, User

BOOKS_IN_POST = 5
# Posts about a date go out in the morning of the day, in the organisation's zone.
POST_HOUR = 10


def _words(date: MemorableDate) -> str:
    """What to look for in the catalogue: a person's surname, else the whole title."""
    if date.kind == MemorableDate.Kind.PERSON:
        return date.title.replace(",", " ").split()[0]
    return date.title


def related_books(*, membership: Membership, date: MemorableDate) -> list[Record]:
    filters = selectors.RecordFilter(q=_words(date))
    records = selectors.record_list(membership=membership, filters=filters)
    return list(records.only("id", "title", "data", "cover", "cover_type")[:BOOKS_IN_POST])


def headline(occurrence: memorable.Occurrence) -> str:
    years, title = occurrence.years, occurrence.title
    if not years:
        return title
    if occurrence.what == memorable.BIRTH:
        text = ngettext(
            "%(title)s: %(years)s year since the birth",
            "%(title)s: %(years)s years since the birth",
            years,
        )
    elif occurrence.what == memorable.DEATH:
        text = ngettext(
            "%(title)s: %(years)s year since the death",
            "%(title)s: %(years)s years since the death",
            years,
        )
    else:
        text = ngettext("%(title)s: %(years)s year", "%(title)s: %(years)s years", years)
    return text % {"years": years, "title": title}


def post_text(occurrence: memorable.Occurrence, books: list[Record]) -> str:
    when = (
        occurrence.date.strftime("%d.%m.%Y")
        if occurrence.date
        else _("During %(year)s") % {"year": occurrence.year}
    )
    parts = [f"{when}. {headline(occurrence)}"]
    description = occurrence.entry.description.strip()
    if description:
        parts.append(description[:1].upper() + description[1:] + ".")
    if books:
        lines = [_("Books in our library:")]
        lines += [f"{n}. {describe_short(from_dict(r.data))}" for n, r in enumerate(books, 1)]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def find_occurrence(date: MemorableDate, *, what: str, on: str, today: datetime.date):
    """The coming occurrence of ``date`` named by its kind and day (or year)."""
    for occurrence in memorable.upcoming(
        [date.to_entry()], today=today, days=settings.CATALOG_UPCOMING_DAYS
    ):
        when = occurrence.date.isoformat() if occurrence.date else str(occurrence.year)
        if occurrence.what == what and when == on:
            return occurrence
    return None


@transaction.atomic
def memorable_post_create(
    *,
    membership: Membership,
    actor: User | None,
    date: MemorableDate,
    occurrence: memorable.Occurrence,
    channels: list[Channel],
) -> Post:
    if not channels:
        raise ServiceError(_("Choose at least one channel."), field="channels")
    organisation = membership.organisation
    books = related_books(membership=membership, date=date)
    if books and books[0].cover:
        with books[0].cover.open("rb") as handle:
            picture, name = handle.read(), books[0].cover.name
    elif books:
        bib = from_dict(books[0].data)
        author = bib.authors[0].named if bib.authors else ""
        picture, name = render_cover(books[0].title, author), f"record-{books[0].pk}.png"
    else:
        picture, name = render_cover(headline(occurrence)), f"date-{date.pk}.png"
    cover = media_upload(
        organisation=organisation, actor=actor, data=picture, name=name, alt_text=date.title
    )
    scheduled_at = None
    if occurrence.date:
        zone = ZoneInfo(organisation.timezone)
        scheduled_at = datetime.datetime.combine(
            occurrence.date, datetime.time(POST_HOUR), tzinfo=zone
        )
    return post_create(
        organisation=organisation,
        actor=actor,
        channels=channels,
        media=[cover],
        title=headline(occurrence)[:200],
        text=post_text(occurrence, books),
        scheduled_at=scheduled_at,
    )
