"""Writes of figures. Every write is an upsert on the snapshot's natural key, so collecting
or importing the same figures again changes nothing."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from vitrina.analytics.models import AccountSnapshot, PostSnapshot, Report, Source
from vitrina.analytics.schedule import hour_of
from vitrina.channels.models import Channel
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Library, Organisation, User

ACCOUNT_FIELDS = ["followers", "joined", "left", "visitors", "views", "reach"]
POST_FIELDS = ["views", "likes", "reposts", "comments", "reach"]


@dataclass
class AccountFigures:
    day: date
    followers: int | None = None
    joined: int | None = None
    left: int | None = None
    visitors: int | None = None
    views: int | None = None
    reach: int | None = None


@dataclass
class PostFigures:
    external_id: str
    taken_at: datetime
    views: int | None = None
    likes: int | None = None
    reposts: int | None = None
    comments: int | None = None
    reach: int | None = None
    published_at: datetime | None = None
    variant_id: int | None = None


def _check_counts(values: dict) -> None:
    for name, value in values.items():
        if value is not None and value < 0:
            raise ServiceError(f"Отрицательное значение: {name} = {value}")


@transaction.atomic
def account_snapshots_save(
    *, channel: Channel, figures: list[AccountFigures], source: str = Source.NETWORK
) -> int:
    """Stores the days' figures; a day already stored is overwritten, never doubled."""
    rows = []
    for item in figures:
        values = {name: getattr(item, name) for name in ACCOUNT_FIELDS}
        _check_counts(values)
        rows.append(AccountSnapshot(channel=channel, day=item.day, source=source, **values))
    AccountSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["channel", "day"],
        update_fields=[*ACCOUNT_FIELDS, "source", "updated_at"],
    )
    return len(rows)


@transaction.atomic
def post_snapshots_save(
    *, channel: Channel, figures: list[PostFigures], source: str = Source.NETWORK
) -> int:
    """Stores the posts' figures at their (hour-rounded) moments and ties each post to the
    variant published under the same external id on this channel."""
    from vitrina.content.models import Variant

    wanted = {item.external_id for item in figures if item.variant_id is None}
    variants = dict(
        Variant.objects.filter(channel=channel, external_id__in=wanted)
        .exclude(external_id="")
        .values_list("external_id", "id")
    )
    published = dict(
        Variant.objects.filter(channel=channel, external_id__in=wanted).values_list(
            "external_id", "published_at"
        )
    )
    rows = []
    for item in figures:
        values = {name: getattr(item, name) for name in POST_FIELDS}
        _check_counts(values)
        rows.append(
            PostSnapshot(
                channel=channel,
                external_id=item.external_id,
                variant_id=item.variant_id or variants.get(item.external_id),
                published_at=item.published_at or published.get(item.external_id),
                taken_at=hour_of(item.taken_at),
                source=source,
                **values,
            )
        )
    PostSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["channel", "external_id", "taken_at"],
        update_fields=[*POST_FIELDS, "variant", "published_at", "source"],
    )
    return len(rows)


@transaction.atomic
def report_save(
    *,
    organisation: Organisation,
    actor: User | None,
    title: str,
    date_from: date,
    date_to: date,
    library: Library | None = None,
    conclusions: str = "",
    growth_since: date | None = None,
    tag=None,
    report: Report | None = None,
) -> Report:
    if date_from > date_to:
        raise ServiceError("Начало периода позже его конца.")
    if library is not None and library.organisation_id != organisation.id:
        raise ServiceError("Библиотека из другой организации.")
    created = report is None
    report = report or Report(organisation=organisation)
    report.title, report.date_from, report.date_to = title, date_from, date_to
    report.library, report.conclusions = library, conclusions
    report.growth_since = growth_since
    if tag is not None and tag.organisation_id != organisation.id:
        raise ServiceError("Метка из другой организации.")
    report.tag = tag
    report.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="analytics.report_created" if created else "analytics.report_updated",
        obj=report,
    )
    return report
