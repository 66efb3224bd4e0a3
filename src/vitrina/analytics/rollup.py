"""The organisation's figures kept by day: its channels' account figures
(``OrganisationDay``) and its posts' figures in the dashboard's groups (``PostDay``), so
that the organisation's dashboard adds up a row a day instead of reading every channel's
days and every post.

Every change that moves a figure refreshes the organisation's rows for the days it touches,
in the same transaction: the rows are summed again from the channels' days and the posts'
latest figures rather than adjusted, so a refresh is right whatever was there before. On
PostgreSQL two writers of one organisation take turns (a transaction-level advisory lock):
the second sums again only once the first has committed, and so sees its figures too.

What moves a figure: new readings, entered or imported figures (the services call in);
archiving, restoring, moving or deleting a channel; a post's rubric, series, poll, photos
or "about people" changing; a post or its publication deleted; a rubric or series deleted;
the organisation's time zone changing (its days are its own). The receivers below follow
those.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from vitrina.analytics.grouping import KEYS, SUMS, account_day_sums, grouped_sql, run_grouped
from vitrina.analytics.models import AccountSnapshot, OrganisationDay, PostDay, PostLatest
from vitrina.analytics.report import published_between
from vitrina.channels.models import Channel
from vitrina.channels.signals import channel_archived
from vitrina.content.models import Post, PostMedia, Rubric, Series, Variant
from vitrina.content.signals import post_media_changed
from vitrina.core.models import Organisation

# The first key of the advisory lock: these tables', apart from any other use of one.
LOCK_SPACE = 0x0A4A1D


def _take_turn(organisation_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, organisation_id])


@transaction.atomic
def organisation_days_refresh(organisation_id: int, day_from: date, day_to: date) -> None:
    """Sums the organisation's account figures from ``day_from`` to ``day_to`` again."""
    _take_turn(organisation_id)
    snapshots = AccountSnapshot.objects.filter(
        channel__organisation=organisation_id,
        channel__archived_at=None,
        day__gte=day_from,
        day__lte=day_to,
    )
    OrganisationDay.objects.filter(
        organisation=organisation_id, day__gte=day_from, day__lte=day_to
    ).delete()
    OrganisationDay.objects.bulk_create(
        (
            OrganisationDay(organisation_id=organisation_id, **row)
            for row in account_day_sums(snapshots)
        ),
        batch_size=1000,
    )


def _spans(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days."""
    spans = []
    for day in days:
        if spans and day == spans[-1][1] + timedelta(days=1):
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def _zone(organisation_id: int) -> ZoneInfo:
    return ZoneInfo(Organisation.objects.values_list("timezone", flat=True).get(pk=organisation_id))


@transaction.atomic
def post_days_refresh(
    organisation_id: int, days: Iterable[date], zone: ZoneInfo | None = None
) -> None:
    """Groups the organisation's posts published on ``days`` (in its time zone, which the
    caller may know already) again."""
    days = sorted(set(days))
    if not days:
        return
    _take_turn(organisation_id)
    zone = zone or _zone(organisation_id)
    spans = _spans(days)
    kept = PostDay.objects.filter(organisation=organisation_id, day__gte=days[0], day__lte=days[-1])
    (kept.filter(day__in=days) if len(spans) > 1 else kept).delete()
    # By the channels' ids and one range of publication, so that the database reads a
    # range of the (channel, published) index for each channel; scattered days (a week's
    # re-reads) are picked from that range by their day.
    channels = list(
        Channel.objects.filter(organisation=organisation_id, archived_at=None)
        .order_by()
        .values_list("pk", flat=True)
    )
    posts = PostLatest.objects.filter(
        channel__in=channels, **published_between(days[0], days[-1], zone)
    )
    if len(spans) > 1:
        posts = posts.alias(local_day=TruncDate("published_at", tzinfo=zone)).filter(
            local_day__in=days
        )
    query = grouped_sql(posts, zone, by_day=True)
    if query is None:
        return
    sql, params = query
    columns = ["kind", *KEYS, *SUMS]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # The groups go straight into the table: a year's days are tens of thousands of
        # rows, too many to carry through Python. Names are constants of this app.
        run_grouped(
            cursor,
            f"INSERT INTO {quote(PostDay._meta.db_table)} "  # noqa: S608
            f"(organisation_id, {', '.join(quote(column) for column in columns)}) "
            f"SELECT %s, kind, {', '.join(KEYS)}, "
            f"{', '.join(f'COALESCE({name}, 0)' for name in SUMS)} FROM ({sql}) grouped",
            (organisation_id, *params),
        )


def post_days_refresh_published(published: Iterable[tuple[int, datetime | None]]) -> None:
    """Refreshes the days of posts given as (channel id, publication time): each channel's
    organisation, each time as a day in that organisation's zone."""
    by_channel = defaultdict(set)
    for channel_id, at in published:
        if at is not None:
            by_channel[channel_id].add(at)
    if not by_channel:
        return
    days, zones = defaultdict(set), {}
    for channel_id, organisation_id, zone_name in Channel.objects.filter(
        pk__in=by_channel
    ).values_list("pk", "organisation_id", "organisation__timezone"):
        zone = zones.setdefault(organisation_id, ZoneInfo(zone_name))
        days[organisation_id].update(at.astimezone(zone).date() for at in by_channel[channel_id])
    for organisation_id, organisation_days in days.items():
        post_days_refresh(organisation_id, organisation_days, zones[organisation_id])


@transaction.atomic
def organisation_figures_rebuild(organisation_id: int) -> None:
    """All of the organisation's days, for figures written outside Vitrina's services (a
    restored dump, a bulk load) or a new time zone."""
    OrganisationDay.objects.filter(organisation=organisation_id).delete()
    PostDay.objects.filter(organisation=organisation_id).delete()
    span = AccountSnapshot.objects.filter(channel__organisation=organisation_id).aggregate(
        first=Min("day"), last=Max("day")
    )
    if span["first"]:
        organisation_days_refresh(organisation_id, span["first"], span["last"])
    span = PostLatest.objects.filter(channel__organisation=organisation_id).aggregate(
        first=Min("published_at"), last=Max("published_at")
    )
    if span["first"]:
        zone = _zone(organisation_id)
        first, last = span["first"].astimezone(zone).date(), span["last"].astimezone(zone).date()
        post_days_refresh(
            organisation_id,
            (first + timedelta(days=n) for n in range((last - first).days + 1)),
            zone,
        )


def _channel_refresh(channel: Channel, span: dict) -> None:
    """Sums again the organisation's days the channel has figures for (``_channel_span``).
    By the organisation: a deleted channel no longer leads to it. When the organisation
    itself is being deleted, there is nothing left to sum."""
    organisation_id = channel.organisation_id
    if not Organisation.objects.filter(pk=organisation_id).exists():
        return
    if span.get("first"):
        organisation_days_refresh(organisation_id, span["first"], span["last"])
    zone = _zone(organisation_id)
    post_days_refresh(
        organisation_id, {at.astimezone(zone).date() for at in span["published"] if at}, zone
    )


def _channel_span(channel: Channel, *, account: bool = True) -> dict:
    """The days the channel has figures for: its posts' publications, and its account
    days unless only the posts matter."""
    span = {"published": channel.posts_latest.values_list("published_at", flat=True)}
    if account:
        span.update(
            AccountSnapshot.objects.filter(channel=channel).aggregate(
                first=Min("day"), last=Max("day")
            )
        )
    return span


def _post_published(post_ids: Iterable[int]) -> list[tuple[int, datetime | None]]:
    return list(
        PostLatest.objects.filter(variant__post__in=post_ids).values_list(
            "channel_id", "published_at"
        )
    )


@receiver(channel_archived)
def _channel_archived(sender, channel: Channel, **kwargs) -> None:
    _channel_refresh(channel, _channel_span(channel))


@receiver(pre_save, sender=Channel)
def _channel_saving(sender, instance: Channel, update_fields=None, **kwargs) -> None:
    if instance.pk and (update_fields is None or "library" in update_fields):
        instance._stored_library = (
            Channel.objects.filter(pk=instance.pk).values_list("library_id", flat=True).first()
        )


@receiver(post_save, sender=Channel)
def _channel_saved(sender, instance: Channel, created=False, **kwargs) -> None:
    # A channel moved to another library moves its posts in the days' library groups.
    stored = getattr(instance, "_stored_library", None)
    if not created and stored is not None and stored != instance.library_id:
        _channel_refresh(instance, _channel_span(instance, account=False))


@receiver(pre_delete, sender=Channel)
def _channel_deleting(sender, instance: Channel, **kwargs) -> None:
    span = _channel_span(instance)
    span["published"] = list(span["published"])  # read now: they go with the channel
    instance._figures_span = span


@receiver(post_delete, sender=Channel)
def _channel_deleted(sender, instance: Channel, **kwargs) -> None:
    # Its figures are gone by now (they are deleted first); what is left is summed again.
    span = getattr(instance, "_figures_span", None)
    if span:
        _channel_refresh(instance, span)


@receiver(post_save, sender=Post)
def _post_saved(sender, instance: Post, created=False, **kwargs) -> None:
    # A post gets figures only once published: a new one has none.
    if not created:
        post_days_refresh_published(_post_published([instance.pk]))


@receiver(post_save, sender=PostMedia)
@receiver(post_delete, sender=PostMedia)
def _media_changed(sender, instance: PostMedia, **kwargs) -> None:
    post_days_refresh_published(_post_published([instance.post_id]))


@receiver(post_media_changed)
def _media_set(sender, post: Post, **kwargs) -> None:
    post_days_refresh_published(_post_published([post.pk]))


@receiver(pre_delete, sender=Variant)
def _variant_deleting(sender, instance: Variant, **kwargs) -> None:
    instance._published = list(
        PostLatest.objects.filter(variant=instance).values_list("channel_id", "published_at")
    )


@receiver(post_delete, sender=Variant)
def _variant_deleted(sender, instance: Variant, **kwargs) -> None:
    # Its posts' figures stay, now as posts made on the network.
    post_days_refresh_published(getattr(instance, "_published", ()))


@receiver(pre_delete, sender=Rubric)
@receiver(pre_delete, sender=Series)
def _grouping_deleting(sender, instance, **kwargs) -> None:
    posts = Post.objects.filter(**{sender._meta.model_name: instance})
    instance._published = _post_published(posts.values("pk"))


@receiver(post_delete, sender=Rubric)
@receiver(post_delete, sender=Series)
def _grouping_deleted(sender, instance, **kwargs) -> None:
    post_days_refresh_published(getattr(instance, "_published", ()))


@receiver(pre_save, sender=Organisation)
def _organisation_saving(sender, instance: Organisation, **kwargs) -> None:
    if instance.pk:
        instance._stored_timezone = (
            Organisation.objects.filter(pk=instance.pk).values_list("timezone", flat=True).first()
        )


@receiver(post_save, sender=Organisation)
def _organisation_saved(sender, instance: Organisation, created=False, **kwargs) -> None:
    stored = getattr(instance, "_stored_timezone", None)
    if not created and stored is not None and stored != instance.timezone:
        organisation_figures_rebuild(instance.pk)
