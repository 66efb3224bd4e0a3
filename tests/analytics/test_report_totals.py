"""Every total of the report equals the sum of its breakdown: publications by channel, by
network, by month and by kind of content are one count, views likewise, and the period's
months are all there. Checked over the demo's data and over random data (several seeds),
where posts fall on the edges of days in their channels' own time zones and some were
published through Vitrina without figures yet."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    PostFactory,
    RubricFactory,
    VariantFactory,
)
from tests.factories.content import PostMediaFactory
from vitrina.analytics.collect import collect_and_record, collectable_channels
from vitrina.analytics.export import report_document
from vitrina.analytics.models import Report
from vitrina.analytics.report import build_report, every_month
from vitrina.analytics.services.reports import report_save
from vitrina.analytics.services.snapshots import PostFigures, post_snapshots_save
from vitrina.channels.networks import Network
from vitrina.content.states import VariantState

pytestmark = pytest.mark.django_db

ZONES = ["Europe/Kaliningrad", "Asia/Yekaterinburg", "Asia/Novokuznetsk", "Asia/Kamchatka"]


def assert_reconciled(data) -> None:
    posts = sum(row.posts for row in data.channels)
    views = sum(row.views for row in data.channels)
    assert sum(total.posts for total in data.networks) == posts
    assert sum(month.posts for month in data.months) == posts
    assert sum(kind.posts for kind in data.kinds) == posts
    assert sum(total.views for total in data.networks) == views
    assert sum(month.views for month in data.months) == views
    assert sum(kind.views for kind in data.kinds) == views
    report = data.report
    assert [month.month for month in data.months] == every_month(report.date_from, report.date_to)
    # Each channel's kinds are the kinds of its own posts.
    kinds = {kind.name for kind in data.kinds}
    assert all(set(row.content_types) <= kinds for row in data.channels)
    # The documents' total rows say the same.
    document = report_document(data)
    tables = {getattr(section, "heading", ""): section for section in document.sections}
    months = tables["Публикации и просмотры по месяцам"]
    assert months.rows[-1][:3] == ["Итого", posts, views]
    kind_rows = tables["Виды контента"].rows
    assert not data.kinds or kind_rows[-1][:3] == ["Итого", posts, views]


def test_the_demos_reports_reconcile(demo):
    for channel in collectable_channels():
        collect_and_record(channel)
    reports = list(Report.objects.all())
    assert {report.organisation.slug for report in reports} == {"knmb", "mednogorsk"}
    for report in reports:
        data = build_report(report)
        assert sum(row.posts for row in data.channels) > 0, report
        assert_reconciled(data)


def _random_history(organisation, admin, rng: random.Random, year: int) -> None:
    rubrics = [RubricFactory(organisation=organisation) for _ in range(3)]
    for number in range(rng.randint(2, 4)):
        zone = rng.choice(ZONES)
        library = LibraryFactory(organisation=organisation, timezone=zone)
        channel = ChannelFactory(
            library=library,
            timezone=zone,
            network=rng.choice([Network.VK, Network.OK]),
            external_id=str(1000 + number),
        )
        figures = []
        for index in range(rng.randint(0, 40)):
            # Around the year's edges too: 31 December and 1 January in UTC and locally.
            if rng.random() < 0.3:
                edge = datetime(year + rng.choice([0, 1]), 1, 1, tzinfo=UTC)
                published = edge + timedelta(hours=rng.uniform(-14, 14))
            else:
                published = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=rng.uniform(0, 365))
            external_id = f"{number}-{index}"
            variant = None
            if rng.random() < 0.6:  # published through Vitrina, the rest made on the network
                post = PostFactory(
                    organisation=organisation,
                    rubric=rng.choice([*rubrics, None]),
                    poll_question=rng.choice(["", "Что почитать?"]),
                    poll_answers=["Да", "Нет"],
                )
                if rng.random() < 0.3:
                    PostMediaFactory(post=post)
                variant = VariantFactory(
                    post=post,
                    channel=channel,
                    external_id=external_id,
                    published_at=published,
                    state=VariantState.PUBLISHED,
                )
            if variant is not None and rng.random() < 0.3:
                continue  # no figures collected yet: the post still counts
            figures.append(
                PostFigures(
                    external_id=external_id,
                    taken_at=published + timedelta(days=3),
                    published_at=published,
                    views=rng.randint(0, 900),
                    likes=rng.randint(0, 30),
                    variant_id=variant.pk if variant else None,
                )
            )
        post_snapshots_save(channel=channel, figures=figures)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_reports_reconcile(organisation, admin, seed):
    rng = random.Random(seed)
    year = rng.choice([2021, 2024, 2025])
    _random_history(organisation, admin, rng, year)
    whole = report_save(
        organisation=organisation,
        actor=admin,
        title="Год",
        date_from=date(year, 1, 1),
        date_to=date(year, 12, 31),
    )
    data = build_report(whole)
    assert_reconciled(data)
    assert data.months[-1].month == date(year, 12, 1)  # December is there
    # A part of the year too, starting and ending inside months.
    part = report_save(
        organisation=organisation,
        actor=admin,
        title="Часть года",
        date_from=date(year, 2, rng.randint(1, 27)),
        date_to=date(year, 11, rng.randint(1, 29)),
    )
    assert_reconciled(build_report(part))
