"""Reads of posts, media, rubrics and the calendar, scoped to the acting membership.

A membership limited to some libraries sees the posts of those libraries and posts with
no library that go to its channels; everything else of the organisation stays hidden.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, F, Func, Prefetch, Q, QuerySet, TextField

from vitrina.channels.models import Channel
from vitrina.channels.providers.registry import connectable_networks
from vitrina.channels.selectors import channel_list
from vitrina.content.models import (
    GuestLink,
    MediaAsset,
    Post,
    PostingSlot,
    PostMedia,
    Recurrence,
    Rubric,
    Series,
    Tag,
    Template,
    TextBlock,
    Variant,
)
from vitrina.core import search
from vitrina.core.models import Membership, User
from vitrina.core.roles import ROLE_PERMISSIONS
from vitrina.core.rules import limited_library_ids


@dataclass
class PostFilter:
    library_id: int | None = None
    channel_id: int | None = None
    rubric_id: int | None = None
    author_id: int | None = None
    state: str = ""
    start: datetime | None = None
    end: datetime | None = None
    query: str = ""


def _scoped_posts(membership: Membership) -> QuerySet[Post]:
    posts = Post.objects.filter(organisation=membership.organisation)
    limited = limited_library_ids(membership)
    if limited is not None:
        posts = posts.filter(
            Q(library_id__in=limited)
            | Q(library__isnull=True, variants__channel__library_id__in=limited)
            | Q(library__isnull=True, author=membership.user)
        ).distinct()
    return posts


def _text_match(posts: QuerySet[Post], query: str) -> QuerySet[Post]:
    """Posts with the query in their title or text: as typed, or every word of it in any
    grammatical form and case («сердце» finds «Сердце» and «сердца»).

    PostgreSQL matches word forms with its ``russian`` full-text search; SQLite, which
    folds only Latin letters, matches the query's stems against the folded words
    (``core.search``)."""
    typed = Q(title__icontains=query) | Q(text__icontains=query)
    query_stems = search.stems(query)
    if not query_stems:
        return posts.filter(typed)
    if connection.vendor == "postgresql":
        vector = SearchVector("title", "text", config="russian")
        return posts.annotate(search_vector=vector).filter(
            typed | Q(search_vector=SearchQuery(query, config="russian", search_type="plain"))
        )
    words = Func(F("title"), F("text"), function=search.SQLITE_WORDS, output_field=TextField())
    forms = Q()
    for word_stem in query_stems:
        forms &= Q(search_words__contains=f" {word_stem}")
    return posts.annotate(search_words=words).filter(typed | forms)


def post_list(*, membership: Membership, filters: PostFilter | None = None) -> QuerySet[Post]:
    filters = filters or PostFilter()
    posts = _scoped_posts(membership)
    if filters.library_id:
        posts = posts.filter(library_id=filters.library_id)
    if filters.rubric_id:
        posts = posts.filter(rubric_id=filters.rubric_id)
    if filters.author_id:
        posts = posts.filter(author_id=filters.author_id)
    if filters.channel_id or filters.state:
        variant_filter = Q()
        if filters.channel_id:
            variant_filter &= Q(channel_id=filters.channel_id)
        if filters.state:
            variant_filter &= Q(state=filters.state)
        posts = posts.filter(pk__in=Variant.objects.filter(variant_filter).values("post_id"))
    if filters.start:
        posts = posts.filter(scheduled_at__gte=filters.start)
    if filters.end:
        posts = posts.filter(scheduled_at__lt=filters.end)
    if filters.query:
        posts = _text_match(posts, filters.query)
    variants = Variant.objects.select_related("channel").order_by("channel__name")
    return (
        posts.select_related("rubric", "library", "author", "series")
        .prefetch_related(Prefetch("variants", queryset=variants))
        .order_by("-scheduled_at", "-created_at")
    )


def post_get(*, membership: Membership, pk: int) -> Post | None:
    return (
        _scoped_posts(membership)
        .filter(pk=pk)
        .select_related("rubric", "library", "author", "series", "organisation")
        .prefetch_related(
            "tags",
            Prefetch("media_items", queryset=PostMedia.objects.select_related("asset")),
            Prefetch(
                "variants",
                queryset=Variant.objects.select_related("channel").order_by("channel__name"),
            ),
        )
        .first()
    )


def variant_get(*, membership: Membership, post: Post, pk: int) -> Variant | None:
    return (
        Variant.objects.filter(post=post, pk=pk)
        .select_related("channel", "post", "post__organisation")
        .first()
    )


def postable_channels(*, membership: Membership) -> QuerySet[Channel]:
    """Channels a post may go to: connectable networks, not archived."""
    return channel_list(membership=membership).filter(network__in=connectable_networks())


def rubric_list(*, membership: Membership, archived: bool = False) -> QuerySet[Rubric]:
    return Rubric.objects.filter(
        organisation=membership.organisation, archived_at__isnull=not archived
    )


def rubric_get(*, membership: Membership, pk: int) -> Rubric | None:
    return Rubric.objects.filter(organisation=membership.organisation, pk=pk).first()


def series_list(*, membership: Membership) -> QuerySet[Series]:
    return Series.objects.filter(organisation=membership.organisation).select_related("rubric")


def series_get(*, membership: Membership, pk: int) -> Series | None:
    return series_list(membership=membership).filter(pk=pk).first()


def tag_list(*, membership: Membership) -> QuerySet[Tag]:
    return Tag.objects.filter(organisation=membership.organisation)


def media_list(*, membership: Membership) -> QuerySet[MediaAsset]:
    return MediaAsset.objects.filter(organisation=membership.organisation)


def media_get(*, membership: Membership, pk: int) -> MediaAsset | None:
    return media_list(membership=membership).filter(pk=pk).first()


def slot_list(*, membership: Membership) -> QuerySet[PostingSlot]:
    channels = channel_list(membership=membership)
    return (
        PostingSlot.objects.filter(channel__in=channels)
        .select_related("channel")
        .order_by("channel__name", "weekday", "time")
    )


def slot_get(*, membership: Membership, pk: int) -> PostingSlot | None:
    return slot_list(membership=membership).filter(pk=pk).first()


def recurrence_list(*, membership: Membership) -> QuerySet[Recurrence]:
    recurrences = Recurrence.objects.filter(organisation=membership.organisation)
    limited = limited_library_ids(membership)
    if limited is not None:
        recurrences = recurrences.filter(library_id__in=limited)
    return recurrences.select_related("rubric", "library")


def post_state(post: Post) -> str:
    """One word for the whole post: the state most in need of attention among its variants."""
    order = [
        "needs_check",
        "failed",
        "needs_reconnect",
        "publishing",
        "pending_approval",
        "scheduled",
        "draft",
        "published",
        "deleted",
        "cancelled",
    ]
    states = {variant.state for variant in post.variants.all()}
    for state in order:
        if state in states:
            return state
    return "draft"


def template_list(*, membership: Membership) -> QuerySet[Template]:
    return Template.objects.filter(organisation=membership.organisation).select_related("rubric")


def text_block_list(*, membership: Membership) -> QuerySet[TextBlock]:
    return TextBlock.objects.filter(organisation=membership.organisation)


def guest_link_list(*, membership: Membership) -> QuerySet[GuestLink]:
    return GuestLink.objects.filter(organisation=membership.organisation).select_related(
        "library", "created_by", "post"
    )[:100]


def author_list(*, membership: Membership) -> QuerySet[User]:
    """People of the organisation who may write posts, for the author filter."""
    roles = [role for role, permissions in ROLE_PERMISSIONS.items() if "write_posts" in permissions]
    return User.objects.filter(
        memberships__organisation=membership.organisation, memberships__role__in=roles
    ).order_by("full_name", "username")


def media_in_order(*, membership: Membership, ids: list[int]) -> list[MediaAsset]:
    """The organisation's pictures with these ids, in the order given; unknown ids are left out."""
    assets = {asset.pk: asset for asset in media_list(membership=membership).filter(pk__in=ids)}
    return [assets[pk] for pk in dict.fromkeys(ids) if pk in assets]


def media_recent(
    *, membership: Membership, exclude: Iterable[int] = (), limit: int = 24
) -> list[MediaAsset]:
    """The newest pictures of the media library but ``exclude``, for the composer's picker."""
    return list(media_list(membership=membership).exclude(pk__in=list(exclude))[:limit])


def postable_channels_in_order(*, membership: Membership, ids: list[int]) -> list[Channel]:
    """The postable channels with these ids, in the order given; unknown ids are left out."""
    channels = {
        channel.pk: channel
        for channel in postable_channels(membership=membership).filter(pk__in=ids)
    }
    return [channels[pk] for pk in dict.fromkeys(ids) if pk in channels]


def series_posts(*, membership: Membership, series: Series, limit: int) -> QuerySet[Post]:
    """The series' posts in the order they go out, for the pages that show a series."""
    return (
        post_list(membership=membership)
        .filter(series=series)
        .select_related("library", "organisation")  # each post's time is shown on its clock
        .order_by("scheduled_at", "pk")[:limit]
    )


@dataclass
class TaxonomyCounts:
    rubrics: QuerySet[Rubric]
    series: QuerySet[Series]
    tags: QuerySet[Tag]


def taxonomy_with_counts(
    *, membership: Membership, week_start: datetime, week_end: datetime
) -> TaxonomyCounts:
    """Rubrics with their posts in all and in the week, series and tags with their posts."""
    return TaxonomyCounts(
        rubrics=rubric_list(membership=membership).annotate(
            post_count=Count("posts", distinct=True),
            week_count=Count(
                "posts",
                filter=Q(posts__scheduled_at__gte=week_start, posts__scheduled_at__lt=week_end),
                distinct=True,
            ),
        ),
        series=series_list(membership=membership).annotate(post_count=Count("posts")),
        tags=tag_list(membership=membership).annotate(post_count=Count("posts")),
    )


def template_get(*, membership: Membership, pk: int) -> Template | None:
    return template_list(membership=membership).filter(pk=pk).first()


def text_block_get(*, membership: Membership, pk: int) -> TextBlock | None:
    return text_block_list(membership=membership).filter(pk=pk).first()


def recurrence_post_count(*, recurrence: Recurrence) -> int:
    return recurrence.posts.count()
