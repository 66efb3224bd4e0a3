"""The dashboard's figures: subscribers where nothing was read before the period, the
previous period, posts about people, exhibitions, the posts behind every figure and the
figures a person entered."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from tests.analytics.test_dashboard import _fill
from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    PostFactory,
    SeriesFactory,
    VariantFactory,
)
from tests.factories.exhibitions import ExhibitionFactory
from vitrina.analytics.dashboard import Scope
from vitrina.analytics.models import PostLatest
from vitrina.analytics.services.post_figures import PostRow, post_figures_enter
from vitrina.analytics.services.snapshots import (
    AccountFigures,
    PostFigures,
    account_snapshots_save,
    post_snapshots_save,
)
from vitrina.core.models import Membership, Organisation
from vitrina.demo.build import build_demo

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2025-01-01", "date_to": "2025-02-09"}


def _dashboard(client, organisation, **params):
    return client.get(reverse("analytics:dashboard", kwargs={"org": organisation.slug}), params)


def _posts(client, organisation, **params):
    return client.get(reverse("analytics:posts", kwargs={"org": organisation.slug}), params)


@pytest.fixture
def knmb_2020(client, settings):
    settings.DEMO_MODE = True
    build_demo()
    knmb = Organisation.objects.get(slug="knmb")
    client.force_login(Membership.objects.filter(organisation=knmb, role="admin").first().user)
    response = _dashboard(client, knmb, date_from="2020-01-01", date_to="2020-12-31")
    assert response.status_code == 200
    return knmb, response


def test_the_demo_year_has_its_growth_from_the_first_day_read(knmb_2020):
    _knmb, response = knmb_2020
    board = response.context["board"]
    first, last = board.daily[0]["followers"], board.daily[-1]["followers"]
    assert first == 497 + 229  # nothing was read before 2020: its first day counts
    assert board.current["subscribers"] == last
    assert board.current["growth"] == last - first
    (library,) = board.libraries
    assert library["growth"] == last - first and library["subscribers"] == last
    text = response.content.decode()
    row = text[text.index("Рост числа подписчиков") :][:200]
    assert f"{last - first:,}".replace(",", "\xa0") in row.replace(" ", "\xa0")


def test_the_demo_year_is_compared_with_the_calendar_year_before_without_zeros(knmb_2020):
    _knmb, response = knmb_2020
    board = response.context["board"]
    assert board.scope.previous == (date(2019, 1, 1), date(2019, 12, 31))
    assert board.previous["posts"] is None and board.previous["visitors_per_day"] is None
    text = response.content.decode()
    assert "01.01.2019 – 31.12.2019" in text and "31.12.2018" not in text
    summary = text[text.index('id="summary-title"') : text.index('id="growth"')]
    assert ">0<" not in summary and ">0,0<" not in summary


def test_the_demo_tells_posts_about_people_photos_and_polls_apart(knmb_2020):
    _knmb, response = knmb_2020
    board = response.context["board"]
    assert board.people["posts"] == 2 and board.people["avg_views"] == (1046 + 1234) / 2
    formats = {row["format"]: row["posts"] for row in board.formats}
    assert formats["poll"] == 2 and formats["photo"] == 33 + 2
    assert "О людях" in response.content.decode()


@pytest.mark.parametrize(
    ("start", "end", "previous"),
    [
        (date(2020, 1, 1), date(2020, 12, 31), (date(2019, 1, 1), date(2019, 12, 31))),
        (date(2019, 1, 1), date(2020, 12, 31), (date(2017, 1, 1), date(2018, 12, 31))),
        (date(2020, 2, 1), date(2020, 2, 29), (date(2020, 1, 1), date(2020, 1, 31))),
        (date(2020, 3, 1), date(2020, 3, 31), (date(2020, 2, 1), date(2020, 2, 29))),
        (date(2020, 1, 1), date(2020, 3, 31), (date(2019, 10, 1), date(2019, 12, 31))),
        (date(2020, 3, 10), date(2020, 3, 19), (date(2020, 2, 29), date(2020, 3, 9))),
        (date(2020, 3, 1), date(2020, 3, 30), (date(2020, 1, 31), date(2020, 2, 29))),
    ],
)
def test_the_previous_period_is_the_calendar_one_for_whole_months(start, end, previous):
    assert Scope(date_from=start, date_to=end).previous == previous


def test_unknown_subscribers_are_a_dash_not_zero(admin_client, organisation, library):
    _fill(organisation, library, 1)
    branch = LibraryFactory(organisation=organisation, name="Библиотека-филиал № 2")
    ChannelFactory(library=branch, name="Филиал без цифр")
    later = ChannelFactory(library=library, name="Начал считать в феврале")
    account_snapshots_save(
        channel=later,
        figures=[
            AccountFigures(day=date(2025, 2, 1), followers=40),
            AccountFigures(day=date(2025, 2, 9), followers=55),
        ],
    )
    board = _dashboard(admin_client, organisation, **PERIOD).context["board"]
    rows = {row["library"].name: row for row in board.libraries}
    assert rows["Библиотека-филиал № 2"]["subscribers"] is None
    assert rows["Библиотека-филиал № 2"]["growth"] is None
    # 100 → 139 on the first channel, 40 → 55 on the one counted from February.
    assert rows[library.name]["subscribers"] == 139 + 55
    assert rows[library.name]["growth"] == 39 + 15
    assert board.current["growth"] == 39 + 15


def test_the_growth_between_chosen_dates_starts_at_the_first_day_read(
    admin_client, organisation, library
):
    _fill(organisation, library, 1)  # from 1 January 2025, 100 subscribers
    board = _dashboard(
        admin_client, organisation, **PERIOD, growth_from="2024-12-01", growth_to="2025-01-31"
    ).context["board"]
    assert board.growth.followers_from == 100 and board.growth.followers_to == 130
    assert board.growth.factor == 1.3


def test_an_exhibition_has_its_own_dashboard_linked_from_its_page(
    admin_client, organisation, library
):
    series = SeriesFactory(organisation=organisation, name="Парад военных книг")
    exhibition = ExhibitionFactory(
        organisation=organisation, title="Парад военных книг", slug="parad", series=series
    )
    _fill(organisation, library, 2, series=series)
    _fill(organisation, library, 1)
    response = _dashboard(admin_client, organisation, **PERIOD, exhibition=exhibition.pk)
    assert response.context["board"].current["posts"] == 10
    # Without dates the period spans the exhibition's posts.
    default = _dashboard(admin_client, organisation, exhibition=exhibition.pk).context["board"]
    assert default.scope.date_from == date(2025, 1, 2) and default.current["posts"] == 10
    page = admin_client.get(
        reverse(
            "exhibitions:detail", kwargs={"org": organisation.slug, "exhibition_id": exhibition.pk}
        )
    ).content.decode()
    assert f"/o/{organisation.slug}/analytics/?exhibition={exhibition.pk}" in page
    assert "Показатели" in page


def test_every_breakdown_leads_to_its_posts_or_its_dashboard(
    admin_client, organisation, library, django_assert_max_num_queries
):
    from tests.factories import RubricFactory, SeriesFactory

    rubric = RubricFactory(organisation=organisation, name="Юбилеи")
    series = SeriesFactory(organisation=organisation, name="Книжный парад")
    channel = _fill(organisation, library, 1, rubric=rubric, series=series)
    response = _dashboard(admin_client, organisation, **PERIOD)
    board = response.context["board"]
    text = response.content.decode()
    assert board.rubrics[0]["url"].endswith(f"rubric={rubric.pk}")
    assert board.series[0]["url"].endswith(f"series={series.pk}")
    assert board.libraries[0]["url"].endswith(f"library={library.pk}")
    assert board.formats[0]["url"].endswith("kind=text")
    for row in (*board.rubrics, *board.series, *board.libraries, *board.formats):
        assert row["url"].replace("&", "&amp;") in text
    # 2, 5, 8, 11, 14 January 2025 at 13:00 in Moscow: Thursday, Sunday, Wednesday...
    cells = [cell for line in board.heatmap["rows"] for cell in line["cells"] if cell["posts"]]
    assert len(cells) == 5 and all("weekday=" in cell["url"] for cell in cells)
    thursday = _posts(admin_client, organisation, **PERIOD, weekday=4, hour=13)
    assert [s.external_id for s in thursday.context["page"].object_list] == ["1"]
    everything = _posts(admin_client, organisation, **PERIOD)
    assert everything.context["page"].paginator.count == 5
    assert "https://vk.com/vinilius" not in everything.content.decode()
    assert (
        _posts(admin_client, organisation, **PERIOD, kind="photo").context["page"].paginator.count
        == 0
    )
    narrower = _dashboard(admin_client, organisation, **PERIOD, rubric=rubric.pk)
    assert narrower.context["board"].current["posts"] == 5
    assert channel.name in everything.content.decode()
    with django_assert_max_num_queries(20) as few:
        _posts(admin_client, organisation, **PERIOD)
    _fill(organisation, library, 4, rubric=rubric, series=series)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _posts(admin_client, organisation, **PERIOD).status_code == 200


def test_posts_made_on_the_network_link_to_it(admin_client, organisation, library):
    channel = ChannelFactory(library=library, external_id="123", name="Группа на VK")
    published = datetime(2025, 1, 5, 12, tzinfo=UTC)
    post_snapshots_save(
        channel=channel,
        figures=[
            PostFigures(external_id="1204", taken_at=published, views=40, published_at=published)
        ],
    )
    link = "https://vk.com/wall-123_1204"
    assert link in _dashboard(admin_client, organisation, **PERIOD).content.decode()
    outside = _posts(admin_client, organisation, **PERIOD, kind="outside")
    assert link in outside.content.decode()
    post = PostFactory(organisation=organisation, library=library, title="Свой пост")
    VariantFactory(
        post=post, channel=channel, external_id="77", external_url="https://vk.com/wall-123_77"
    )
    post_snapshots_save(
        channel=channel,
        figures=[
            PostFigures(external_id="77", taken_at=published, views=90, published_at=published)
        ],
    )
    text = _posts(admin_client, organisation, **PERIOD).content.decode()
    assert "https://vk.com/wall-123_77" in text
    assert reverse("content:post", kwargs={"org": organisation.slug, "post_id": post.pk}) in text


def test_a_bad_drill_down_filter_is_ignored(admin_client, organisation, library):
    _fill(organisation, library, 1)
    response = _posts(admin_client, organisation, **PERIOD, kind="nonsense", weekday="9", hour="x")
    assert response.status_code == 200 and response.context["page"].paginator.count == 5


def test_figures_entered_by_hand_are_marked(admin_client, organisation, library, admin):
    channel = _fill(organisation, library, 1)
    clean = _dashboard(admin_client, organisation, **PERIOD)
    assert not clean.context["board"].marked and 'id="marks"' not in clean.content.decode()
    post_figures_enter(
        channel=channel,
        actor=admin,
        row=PostRow(published=datetime(2025, 1, 20, 9, tzinfo=UTC), text="Акция", views=70),
    )
    assert PostLatest.objects.filter(channel=channel).exclude(source="network").exists()
    response = _dashboard(admin_client, organisation, **PERIOD)
    board = response.context["board"]
    assert {"posts", "views"} <= board.marked and "subscribers" not in board.marked
    text = response.content.decode()
    assert 'id="marks"' in text and "Введено вручную или импортировано из файла" in text
    account_snapshots_save(
        channel=channel,
        figures=[AccountFigures(day=date(2025, 1, 3), followers=102, visitors=9)],
        source="manual",
    )
    assert (
        "visitors_per_day"
        in _dashboard(admin_client, organisation, **PERIOD).context["board"].marked
    )


def test_a_composer_and_the_api_mark_a_post_about_people(
    admin_client, organisation, library, channel, admin
):
    from vitrina.content.models import Post
    from vitrina.core.services import api_token_create

    url = f"/o/{organisation.slug}/posts/new/"
    assert "О людях" in admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "library": library.pk,
            "channels": [channel.pk],
            "text": "Читатель года: Анна Петровна",
            "about_people": "on",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.about_people
    _token, raw = api_token_create(user=admin, name="tests")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    path = f"/api/v1/organisations/{organisation.slug}/posts/{post.pk}"
    assert admin_client.get(path, **headers).json()["about_people"] is True
    changed = admin_client.patch(
        path, {"about_people": False}, content_type="application/json", **headers
    )
    assert changed.status_code == 200 and changed.json()["about_people"] is False
    post.refresh_from_db()
    assert not post.about_people
