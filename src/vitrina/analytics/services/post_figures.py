"""Post figures entered by hand or imported from a CSV/XLSX table, for networks that give
none (Telegram's views, Instagram and other record-only accounts).

Columns (Russian or English headers, any order): the post's link or id — or, for a post
without either, its date and the start of its text — and any of views, likes, reposts,
comments, reach. A post is tied to Vitrina's variant with the same link or id on the
channel. Broken rows are reported with their numbers; the rest is imported.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.analytics.models import Source
from vitrina.analytics.services.account_figures import header_columns, parse_count, parse_day
from vitrina.analytics.services.registry import channel_registry_refresh
from vitrina.analytics.services.snapshots import POST_FIELDS, PostFigures, post_snapshots_save
from vitrina.channels.models import Channel
from vitrina.content.importing import read_rows
from vitrina.content.models import Variant
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import User

MAX_ROWS = 5000
HEADERS = {
    "link": {"link", "url", "post link", "ссылка", "ссылка на пост", "ссылка на публикацию"},
    "post_id": {"post id", "id", "id поста", "номер поста", "идентификатор поста"},
    "published": {
        "date",
        "published",
        "date published",
        "дата",
        "дата публикации",
        "опубликовано",
    },
    "text": {"text", "excerpt", "текст", "начало текста", "фрагмент текста"},
    "views": {"views", "просмотры"},
    "likes": {"likes", "лайки", "нравится", "отметки «нравится»"},
    "reposts": {"reposts", "shares", "репосты", "поделились"},
    "comments": {"comments", "комментарии"},
    "reach": {"reach", "охват"},
}
# The post's own id in its network's links; anything else is known by its whole link.
LINK_IDS = [
    re.compile(r"vk\.com/.*wall-?\d+_(\d+)"),
    re.compile(r"ok\.ru/.*/(?:topic|statuses)/(\d+)"),
    re.compile(r"t\.me/(?:c/)?[\w\d_]+/(\d+)"),
    re.compile(r"(mid\.[0-9a-f]+)"),
    re.compile(r"instagram\.com/(?:[\w.]+/)?(?:p|reel|tv)/([\w-]+)"),
]


@dataclass
class PostRow:
    """One post's figures as typed or read from a row."""

    link: str = ""
    post_id: str = ""
    published: object = None
    text: str = ""
    views: int | None = None
    likes: int | None = None
    reposts: int | None = None
    comments: int | None = None
    reach: int | None = None


@dataclass
class PostFiguresImport:
    imported: int = 0
    matched: int = 0  # tied to Vitrina's posts
    errors: list[tuple[int, str]] = field(default_factory=list)


def _clean_link(link: str) -> str:
    link = link.strip().split("?")[0].split("#")[0].rstrip("/")
    return re.sub(r"^https?://(www\.|m\.)?", "", link)


def external_id_of(link: str) -> str:
    cleaned = _clean_link(link)
    for pattern in LINK_IDS:
        found = pattern.search(cleaned)
        if found:
            return found.group(1)
    return cleaned[:100]


def _text_id(published: date, text: str) -> str:
    """A post known only by its day and text (a record-only account without links) gets
    an id made of them, so importing it again updates it instead of adding one."""
    words = " ".join(text.split()).lower()
    return "text-" + hashlib.sha1(f"{published}|{words}".encode()).hexdigest()[:20]  # noqa: S324


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_published(value, zone: ZoneInfo) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime) and timezone.is_aware(value):
        return value
    if isinstance(value, datetime) and value.time() != time(0):
        return value.replace(tzinfo=zone)
    if not isinstance(value, date):
        for pattern in ("%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
            try:
                return datetime.strptime(str(value).strip(), pattern).replace(tzinfo=zone)
            except ValueError:
                continue
    # A day without an hour: noon, so that no time zone moves it to another day.
    return datetime.combine(parse_day(value), time(12), tzinfo=zone)


class _Variants:
    """Vitrina's variants on the channel, found by link, id or day and text: the file's
    posts are looked up in two queries whatever its length."""

    def __init__(self, channel: Channel, rows: list[PostRow]):
        self.channel = channel
        links = {_clean_link(row.link) for row in rows if row.link}
        ids = {row.post_id for row in rows if row.post_id} | {
            external_id_of(row.link) for row in rows if row.link
        }
        variants = Variant.objects.filter(channel=channel, published_at__isnull=False).only(
            "id", "external_id", "external_url", "published_at"
        )
        self.by_id = {
            v.external_id: v for v in variants.filter(external_id__in=ids).exclude(external_id="")
        }
        self.by_link = {}
        for variant in variants.exclude(external_url=""):
            self.by_link.setdefault(_clean_link(variant.external_url), variant)
        self.by_link = {link: v for link, v in self.by_link.items() if link in links}
        self._texts = None

    def by_text(self, day: date, text: str, zone: ZoneInfo) -> Variant | None:
        if self._texts is None:
            self._texts = list(
                Variant.objects.filter(channel=self.channel, published_at__isnull=False).only(
                    "id", "external_id", "published_at", "text"
                )
            )
        wanted = " ".join(text.split())
        for variant in self._texts:
            if variant.published_at.astimezone(zone).date() == day and " ".join(
                variant.text.split()
            ).startswith(wanted):
                return variant
        return None


def _figures(row: PostRow, variants: _Variants, zone: ZoneInfo, now: datetime) -> PostFigures:
    values = {name: getattr(row, name) for name in POST_FIELDS}
    if all(value is None for value in values.values()):
        raise ServiceError(_("Give at least one figure: views, likes, reposts, comments or reach."))
    published = parse_published(row.published, zone)
    if published and published.astimezone(zone).date() > now.astimezone(zone).date():
        raise ServiceError(
            _("The publication date %(day)s has not come yet.")
            % {"day": published.astimezone(zone).strftime("%d.%m.%Y")}
        )
    variant = None
    if row.link and "/" not in row.link and not row.post_id:
        row.link, row.post_id = "", row.link  # an id typed where a link goes
    if row.link:
        variant = variants.by_link.get(_clean_link(row.link))
        external_id = variant.external_id if variant and variant.external_id else None
        external_id = external_id or external_id_of(row.link)
    elif row.post_id:
        external_id = row.post_id[:100]
    elif published and row.text:
        variant = variants.by_text(published.date(), row.text, zone)
        external_id = (
            variant.external_id
            if variant and variant.external_id
            else _text_id(published.date(), row.text)
        )
    else:
        raise ServiceError(_("Give the post's link or id, or its date and the start of its text."))
    variant = variant or variants.by_id.get(external_id)
    if published is None and variant is None:
        raise ServiceError(_("Vitrina does not know this post: give the date it was published."))
    return PostFigures(
        external_id=external_id,
        taken_at=now,
        # Vitrina knows the minute its own post went out; a file often gives only the day.
        published_at=variant.published_at if variant else published,
        variant_id=variant.pk if variant else None,
        **values,
    )


def _columns(header: list) -> dict[str, int]:
    columns = header_columns(header, HEADERS)
    identifies = "link" in columns or "post_id" in columns or {"published", "text"} <= set(columns)
    if not identifies or not set(columns) & set(POST_FIELDS):
        raise ServiceError(
            _(
                "The first row must name the columns: the post's link or id (or its date and "
                "text) and at least one figure."
            ),
            field="file",
        )
    return columns


def _row(cells: dict, header: dict[str, str]) -> PostRow:
    row = PostRow(
        link=_cell_text(cells.get("link")),
        post_id=_cell_text(cells.get("post_id")),
        published=cells.get("published"),
        text=_cell_text(cells.get("text")),
    )
    for name in POST_FIELDS:
        setattr(row, name, parse_count(cells.get(name), header.get(name, name)))
    return row


def post_figures_import(
    *, channel: Channel, actor: User | None, data: bytes, filename: str
) -> PostFiguresImport:
    rows = read_rows(data, filename)
    if not rows:
        raise ServiceError(_("The file is empty."), field="file")
    columns = _columns(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise ServiceError(
            _("No more than %(count)s rows at a time.") % {"count": MAX_ROWS}, field="file"
        )
    header = {key: str(rows[0][index]) for key, index in columns.items()}
    result = PostFiguresImport()
    parsed = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue
        try:
            values = {key: cells[i] if i < len(cells) else None for key, i in columns.items()}
            parsed.append((number, _row(values, header)))
        except ServiceError as error:
            result.errors.append((number, error.message))
    zone = ZoneInfo(channel.organisation.timezone)
    variants = _Variants(channel, [row for _number, row in parsed])
    now = timezone.now()
    figures = {}
    for number, row in parsed:
        try:
            item = _figures(row, variants, zone, now)
            figures[item.external_id] = item  # the same post twice: the lower row wins
        except ServiceError as error:
            result.errors.append((number, error.message))
    result.errors.sort()
    result.matched = sum(1 for item in figures.values() if item.variant_id)
    with transaction.atomic():
        result.imported = _save(channel, list(figures.values()), Source.IMPORT, actor)
        audit_record(
            organisation=channel.organisation,
            actor=actor,
            action="analytics.post_figures_imported",
            obj=channel,
            changes={"rows": result.imported, "file": filename},
        )
    return result


def post_figures_enter(*, channel: Channel, actor: User | None, row: PostRow) -> PostFigures:
    """One post's figures typed in by a person."""
    zone = ZoneInfo(channel.organisation.timezone)
    item = _figures(row, _Variants(channel, [row]), zone, timezone.now())
    with transaction.atomic():
        _save(channel, [item], Source.MANUAL, actor)
        audit_record(
            organisation=channel.organisation,
            actor=actor,
            action="analytics.post_figures_entered",
            obj=channel,
            changes={"post": item.external_id},
        )
    return item


def _save(channel: Channel, figures: list[PostFigures], source: str, actor: User | None) -> int:
    count = post_snapshots_save(channel=channel, figures=figures, source=source)
    channel_registry_refresh(channel=channel, actor=actor)
    return count
