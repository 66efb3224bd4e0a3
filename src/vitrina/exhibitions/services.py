"""Writes of virtual exhibitions: the exhibition, its sections and books, its public page
and the series of posts that tells about it (through the content module's services)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vitrina.catalog.bibrecord import from_dict
from vitrina.catalog.covers import render_cover
from vitrina.catalog.gost import describe_short
from vitrina.catalog.models import Record
from vitrina.channels.models import Channel
from vitrina.content import images
from vitrina.content.checks import check_variant, limits_for
from vitrina.content.models import Post, Series
from vitrina.content.services.approval import post_submit
from vitrina.content.services.media import media_upload
from vitrina.content.services.posts import post_create
from vitrina.content.services.rubrics import series_save
from vitrina.core.audit import audit_changes, audit_record, snapshot
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Library, Membership, Organisation, User
from vitrina.exhibitions.arrivals import arrivals_text
from vitrina.exhibitions.models import Book, Exhibition, Section
from vitrina.exhibitions.selectors import exhibition_sections

EXHIBITION_FIELDS = ("title", "slug", "annotation", "library")
# Transliteration for addresses made from Russian titles.
_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
         "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
        strict=True,
    )
)  # fmt: skip


def slug_from(title: str) -> str:
    latin = "".join(_LATIN.get(char, char) for char in title.lower())
    return slugify(latin)[:60].strip("-") or "exhibition"


@transaction.atomic
def exhibition_save(
    *,
    organisation: Organisation,
    actor: User | None,
    exhibition: Exhibition | None = None,
    **fields,
) -> Exhibition:
    creating = exhibition is None
    exhibition = exhibition or Exhibition(organisation=organisation)
    before = {} if creating else snapshot(exhibition, EXHIBITION_FIELDS)
    for name, value in fields.items():
        if name not in EXHIBITION_FIELDS:
            raise ServiceError(f"Unknown field: {name}")
        setattr(exhibition, name, value)
    exhibition.title = (exhibition.title or "").strip()
    if not exhibition.title:
        raise ServiceError(_("Enter the title."), field="title")
    exhibition.slug = (exhibition.slug or "").strip().lower() or slug_from(exhibition.title)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", exhibition.slug):
        raise ServiceError(
            _("The address may have Latin letters, digits and hyphens only."), field="slug"
        )
    taken = Exhibition.objects.filter(organisation=organisation, slug=exhibition.slug)
    if taken.exclude(pk=exhibition.pk).exists():
        raise Conflict(_("Another exhibition has this address."), field="slug")
    if exhibition.library_id and exhibition.library.organisation_id != organisation.pk:
        raise ServiceError(_("Choose from this organisation."), field="library")
    exhibition.save()
    audit_changes(
        action="exhibition.created" if creating else "exhibition.changed",
        organisation=organisation,
        actor=actor,
        obj=exhibition,
        before=before,
        fields=EXHIBITION_FIELDS,
    )
    return exhibition


@transaction.atomic
def exhibition_publish(*, exhibition: Exhibition, actor: User | None, published: bool) -> None:
    if published and not exhibition.books.exists():
        raise ServiceError(_("Add at least one book before publishing."))
    exhibition.published_at = timezone.now() if published else None
    exhibition.save(update_fields=["published_at", "updated_at"])
    audit_record(
        action="exhibition.published" if published else "exhibition.unpublished",
        organisation=exhibition.organisation,
        actor=actor,
        obj=exhibition,
    )


@transaction.atomic
def exhibition_delete(*, exhibition: Exhibition, actor: User | None) -> None:
    audit_record(
        action="exhibition.deleted",
        organisation=exhibition.organisation,
        actor=actor,
        obj=exhibition,
    )
    exhibition.delete()


# ---------------------------------------------------------------- sections


@transaction.atomic
def section_save(
    *,
    exhibition: Exhibition,
    actor: User | None,
    title: str,
    position: int | None = None,
    section: Section | None = None,
) -> Section:
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Enter the title."), field="title")
    section = section or Section(exhibition=exhibition)
    section.title = title
    if position is None and section.pk is None:
        position = exhibition.sections.count() + 1
    if position is not None:
        section.position = position
    section.save()
    audit_record(
        action="exhibition.section_saved",
        organisation=exhibition.organisation,
        actor=actor,
        obj=exhibition,
        changes={"section": [None, title]},
    )
    return section


@transaction.atomic
def section_delete(*, section: Section, actor: User | None) -> None:
    """The section's books stay on the exhibition, outside any section."""
    exhibition = section.exhibition
    audit_record(
        action="exhibition.section_deleted",
        organisation=exhibition.organisation,
        actor=actor,
        obj=exhibition,
        changes={"section": [section.title, None]},
    )
    section.delete()


# ---------------------------------------------------------------- books


def _check_section(exhibition: Exhibition, section: Section | None) -> None:
    if section is not None and section.exhibition_id != exhibition.pk:
        raise ServiceError(_("Choose a section of this exhibition."), field="section")


@transaction.atomic
def book_add(
    *,
    exhibition: Exhibition,
    actor: User | None,
    section: Section | None = None,
    record: Record | None = None,
    description: str = "",
    note: str = "",
    position: int | None = None,
) -> Book:
    """A book from the catalogue (its ГОСТ description is taken), or one typed in."""
    _check_section(exhibition, section)
    book = Book(exhibition=exhibition, section=section, note=(note or "").strip())
    if record is not None:
        if record.organisation_id != exhibition.organisation_id:
            raise ServiceError(_("Choose a book of this organisation's catalogue."))
        bib = from_dict(record.data)
        book.record = record
        book.title = record.title
        book.author = bib.authors[0].named if bib.authors else ""
        book.description = record.description
        book.short = describe_short(bib)
    else:
        description = (description or "").strip()
        if not description:
            raise ServiceError(
                _("Choose a book in the catalogue or type its description."), field="description"
            )
        book.description = description
        book.short = description
        # «Автор И. О. Заглавие / …»: the title is what comes before the first « / » or « : ».
        book.title = re.split(r" / | : |\. — ", description)[0][:1000]
    if position is None:
        position = exhibition.books.filter(section=section).count() + 1
    book.position = position
    book.save()
    audit_record(
        action="exhibition.book_added",
        organisation=exhibition.organisation,
        actor=actor,
        obj=exhibition,
        changes={"book": [None, book.title]},
    )
    return book


@transaction.atomic
def book_update(
    *,
    book: Book,
    actor: User | None,
    section: Section | None,
    note: str,
    position: int,
    description: str | None = None,
) -> Book:
    _check_section(book.exhibition, section)
    book.section = section
    book.note = (note or "").strip()
    book.position = position
    if description is not None and book.record_id is None:
        description = description.strip()
        if not description:
            raise ServiceError(_("Type the description."), field="description")
        book.description = book.short = description
    book.save()
    audit_record(
        action="exhibition.book_changed",
        organisation=book.exhibition.organisation,
        actor=actor,
        obj=book.exhibition,
        changes={"book": [None, book.title]},
    )
    return book


@transaction.atomic
def book_cover_upload(*, book: Book, actor: User | None, data: bytes, name: str) -> Book:
    converted = images.convert_image(data, name=name)
    book.cover.save(
        f"book-{book.pk}.{converted.extension}", ContentFile(converted.content), save=True
    )
    audit_record(
        action="exhibition.cover_uploaded",
        organisation=book.exhibition.organisation,
        actor=actor,
        obj=book.exhibition,
        changes={"book": [None, book.title]},
    )
    return book


@transaction.atomic
def book_delete(*, book: Book, actor: User | None) -> None:
    audit_record(
        action="exhibition.book_removed",
        organisation=book.exhibition.organisation,
        actor=actor,
        obj=book.exhibition,
        changes={"book": [book.title, None]},
    )
    book.delete()


# Bump when the drawn covers change, so that cached ones and browsers' copies are replaced.
COVER_DRAWING = "1"
COVER_CACHE_SECONDS = 24 * 3600


def _stored_size(stored) -> str:
    try:
        return str(stored.size) if stored else ""
    except OSError:
        return "lost"


def book_cover_version(book: Book) -> str:
    """A short digest of everything the cover is made from: the ETag of its picture and
    the key it is cached under. Cheap: names and sizes, no picture is opened."""
    record_cover = book.record.cover if book.record_id else None
    parts = [
        COVER_DRAWING,
        book.title,
        book.author,
        book.cover.name or "",
        _stored_size(book.cover),
        record_cover.name if record_cover else "",
        _stored_size(record_cover),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def book_cover(book: Book) -> tuple[bytes, str]:
    """The uploaded cover, else the record's, else one drawn from the title and author.

    Made once per version and kept in the cache: a public exhibition's page asks for
    every cover on each visit, and drawing or converting one takes a tenth of a second."""
    key = f"exhibition-cover:{book_cover_version(book)}"
    cached = cache.get(key)
    if cached is None:
        cached = _book_cover_make(book)
        cache.set(key, cached, timeout=COVER_CACHE_SECONDS)
    return cached


def _book_cover_make(book: Book) -> tuple[bytes, str]:
    for stored in (book.cover, book.record.cover if book.record_id else None):
        if stored:
            try:
                with stored.open("rb") as handle:
                    converted = images.convert_image(handle.read(), name=stored.name)
            except (OSError, ServiceError):
                continue  # a lost or unreadable file: the next cover will do
            return converted.content, converted.content_type
    return render_cover(book.title, book.author), "image/png"


def catalogue_link(book: Book, library: Library | None) -> str:
    """The book in the library's e-catalogue.

    ``{isbn}``, ``{id}`` and ``{title}`` in the catalogue's address are filled in (a search
    address such as ``…/irbis64r?S21ALL={isbn}``); without them the catalogue itself.
    """
    base = library.catalogue_url if library else ""
    if not base:
        return ""
    record = book.record
    values = {
        "isbn": record.isbn if record and record.isbn else "",
        "id": record.external_id if record else "",
        "title": book.title,
    }
    if "{isbn}" in base and not values["isbn"]:
        base = base.replace("{isbn}", "{title}")
    for name, value in values.items():
        base = base.replace("{" + name + "}", quote(value))
    return base


def public_url(exhibition: Exhibition) -> str:
    return settings.SITE_URL + reverse(
        "exhibition-public",
        kwargs={"org_slug": exhibition.organisation.slug, "slug": exhibition.slug},
    )


# ---------------------------------------------------------------- the series of posts


@dataclass
class PlannedPost:
    scheduled_at: datetime
    text: str
    books: list[Book] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def media_limit(channels: list[Channel]) -> int:
    limits = [limits_for(channel.network) for channel in channels]
    return min((limit.media for limit in limits if limit), default=10)


def _book_lines(book: Book) -> str:
    lines = [f"📖 {book.short or book.description}"]
    if book.note:
        lines.append(book.note)
    return "\n".join(lines)


def series_plan(
    *,
    exhibition: Exhibition,
    channels: list[Channel],
    starts_at: datetime,
    interval: timedelta,
    per_post: int,
    carousel: bool = False,
) -> list[PlannedPost]:
    """The opening post, then the books ``per_post`` at a time (all at once in a carousel,
    as many as the channels take), one post every ``interval`` from ``starts_at``."""
    # In the order of the page: the sections in turn, then the books outside them.
    sections, loose = exhibition_sections(exhibition)
    books = [book for section in sections for book in section.books.all()] + loose
    limit = media_limit(channels)
    per_post = limit if carousel else max(1, min(per_post, limit))
    link = public_url(exhibition)
    opening = [f"«{exhibition.title}»"]
    if exhibition.annotation:
        opening.append(exhibition.annotation.strip())
    opening.append(_("The whole exhibition: %(url)s") % {"url": link})
    posts = [PlannedPost(scheduled_at=starts_at, text="\n\n".join(opening))]
    groups = [books[start : start + per_post] for start in range(0, len(books), per_post)]
    for number, group in enumerate(groups, start=1):
        head = _("«%(title)s», part %(number)s of %(count)s") % {
            "title": exhibition.title,
            "number": number,
            "count": len(groups),
        }
        text = "\n\n".join([head, *(_book_lines(book) for book in group), link])
        posts.append(
            PlannedPost(scheduled_at=starts_at + interval * number, text=text, books=group)
        )
    for post in posts:
        for channel in channels:
            found = check_variant(
                network=channel.network, text=post.text, media_count=len(post.books)
            )
            post.problems += [f"{channel.name}: {problem}" for problem in found]
    return posts


def _exhibition_series(exhibition: Exhibition, actor: User | None) -> Series:
    if exhibition.series_id:
        return exhibition.series
    name = exhibition.title[:200]
    if Series.objects.filter(organisation=exhibition.organisation, name__iexact=name).exists():
        name = f"{exhibition.title[:170]} ({exhibition.slug})"[:200]
    series = series_save(
        organisation=exhibition.organisation,
        actor=actor,
        name=name,
        description=_("Posts of the virtual exhibition."),
    )
    exhibition.series = series
    exhibition.save(update_fields=["series", "updated_at"])
    return series


@transaction.atomic
def exhibition_posts_create(
    *,
    exhibition: Exhibition,
    actor: User | None,
    membership: Membership,
    channels: list[Channel],
    starts_at: datetime,
    interval: timedelta,
    per_post: int,
    carousel: bool = False,
    schedule: bool = True,
) -> list[Post]:
    """Writes the planned posts into the exhibition's series; ``schedule`` sends them on
    (scheduled for an editor, for approval for an author) as the composer would."""
    if not channels:
        raise ServiceError(_("Choose at least one channel."), field="channels")
    if not exhibition.books.exists():
        raise ServiceError(_("The exhibition has no books yet."))
    plan = series_plan(
        exhibition=exhibition,
        channels=channels,
        starts_at=starts_at,
        interval=interval,
        per_post=per_post,
        carousel=carousel,
    )
    series = _exhibition_series(exhibition, actor)
    covers = {}
    posts = []
    for number, planned in enumerate(plan):
        media = []
        for book in planned.books:
            if book.pk not in covers:
                data, _type = book_cover(book)
                covers[book.pk] = media_upload(
                    organisation=exhibition.organisation,
                    actor=actor,
                    data=data,
                    name=f"{exhibition.slug}-{book.pk}.png",
                    alt_text=book.short[:500],
                )
            media.append(covers[book.pk])
        post = post_create(
            organisation=exhibition.organisation,
            actor=actor,
            channels=channels,
            media=media,
            library=exhibition.library,
            title=(f"{exhibition.title[:180]} — {number}" if number else exhibition.title)[:200],
            text=planned.text,
            series=series,
            scheduled_at=planned.scheduled_at,
        )
        if schedule:
            post_submit(post=post, actor=actor, membership=membership)
        posts.append(post)
    audit_record(
        action="exhibition.posts_created",
        organisation=exhibition.organisation,
        actor=actor,
        obj=exhibition,
        changes={"posts": [None, len(posts)]},
    )
    return posts


# ---------------------------------------------------------------- new arrivals


@transaction.atomic
def arrivals_post_create(
    *,
    organisation: Organisation,
    actor: User | None,
    channels: list[Channel],
    groups: list,
    title: str,
    scheduled_at: datetime | None = None,
) -> Post:
    """A draft post with the list of new arrivals, left for the editor to finish."""
    if not groups:
        raise ServiceError(_("No books were received in this period."))
    if not channels:
        raise ServiceError(_("Choose at least one channel."), field="channels")
    return post_create(
        organisation=organisation,
        actor=actor,
        channels=channels,
        title=title[:200],
        text=arrivals_text(groups, title=title),
        scheduled_at=scheduled_at,
    )
