"""Posts' figures from real XLSX and CSV files and by hand, as people enter them."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import ChannelFactory, PostFactory, VariantFactory
from vitrina.analytics.models import PostLatest, PostSnapshot, Source
from vitrina.analytics.services.post_figures import PostRow, post_figures_enter, post_figures_import
from vitrina.channels.networks import ConnectionState, Kind, Network
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import AuditEntry
from vitrina.core.roles import Role

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def telegram(library):
    return ChannelFactory(
        library=library,
        network=Network.TELEGRAM,
        kind=Kind.CHANNEL,
        url="https://t.me/library_news",
        connection_state=ConnectionState.CONNECTED,
    )


@pytest.fixture
def instagram(library):
    return ChannelFactory(
        library=library,
        network=Network.OTHER,
        name="Инстаграм библиотеки",
        url="https://instagram.com/library",
        connection_state=ConnectionState.RECORD_ONLY,
    )


def _ours(organisation, channel, external_id, url="", text="Книжная выставка"):
    post = PostFactory(organisation=organisation, text=text)
    return VariantFactory(
        post=post,
        channel=channel,
        external_id=external_id,
        external_url=url,
        published_at=PUBLISHED,
        text=text,
    )


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_thousand_rows_with_three_broken_import_the_rest(organisation, telegram, admin):
    ours = _ours(organisation, telegram, "7", "https://t.me/library_news/7")
    rows = [["Реакции", "Охват", "Просмотры", "Ссылка на пост", "Дата публикации"]]
    rows.append([None, None, 1500, "https://t.me/library_news/7", None])
    for number in range(100, 1099):
        rows.append([3, 900, number, f"https://t.me/library_news/{number}", date(2026, 2, 1)])
    rows[10][2] = "много"  # row 11: not a number
    rows[20][3] = None  # row 21: no link
    rows[30][4] = None  # row 31: a post Vitrina does not know, without a date
    assert len(rows) == 1001

    result = post_figures_import(
        channel=telegram, actor=admin, data=_xlsx(rows), filename="telegram.xlsx"
    )
    assert result.imported == 997 and result.matched == 1
    assert [number for number, _error in result.errors] == [11, 21, 31]
    assert "много" in result.errors[0][1]
    latest = PostLatest.objects.filter(channel=telegram)
    assert latest.count() == 997
    assert set(latest.values_list("source", flat=True)) == {Source.IMPORT}
    matched = latest.get(external_id="7")
    assert matched.variant == ours and matched.views == 1500 and matched.published_at == PUBLISHED
    other = latest.get(external_id="150")
    assert other.variant is None and other.views == 150 and other.reach == 900
    assert other.published_at.date() == date(2026, 2, 1)
    entry = AuditEntry.objects.get(action="analytics.post_figures_imported")
    assert entry.actor == admin

    # The same file again: the figures are updated, nothing is doubled.
    post_figures_import(channel=telegram, actor=admin, data=_xlsx(rows), filename="again.xlsx")
    assert PostLatest.objects.filter(channel=telegram).count() == 997
    assert PostSnapshot.objects.filter(channel=telegram).count() == 997


def test_a_csv_with_english_headers_and_posts_known_by_date_and_text(
    organisation, instagram, admin
):
    ours = _ours(organisation, instagram, "", text="Книжная выставка «Весна» открыта до мая")
    csv = (
        "text;likes;date published;comments;views\n"
        "Книжная выставка «Весна»;41;02.03.2026;5;\n"
        "Встреча с писателем;17;2026-03-05 18:00;2;\n"
        "Встреча с писателем;19;2026-03-05 18:00;3;\n"
        ";;;;\n"
        "Без даты;3;;;\n"
    ).encode()
    result = post_figures_import(channel=instagram, actor=admin, data=csv, filename="insta.csv")
    assert result.imported == 2 and result.matched == 1
    assert [number for number, _error in result.errors] == [6]
    latest = {row.variant_id: row for row in PostLatest.objects.filter(channel=instagram)}
    assert latest[ours.pk].likes == 41 and latest[ours.pk].comments == 5
    meeting = latest[None]
    # The same post twice in one file: the lower row counts.
    assert (meeting.likes, meeting.comments, meeting.views) == (19, 3, None)
    assert meeting.published_at.hour == 15  # 18:00 in Moscow
    post_figures_import(channel=instagram, actor=admin, data=csv, filename="insta.csv")
    assert PostLatest.objects.filter(channel=instagram).count() == 2


def test_a_file_without_the_columns_is_refused_whole(telegram, admin):
    with pytest.raises(ServiceError, match="первой строке"):
        post_figures_import(channel=telegram, actor=admin, data=b"a;b\n1;2\n", filename="bad.csv")
    with pytest.raises(ServiceError, match="XLSX"):
        post_figures_import(channel=telegram, actor=admin, data=b"x", filename="bad.txt")
    assert not PostLatest.objects.exists()


def test_one_post_by_hand_by_its_id(organisation, telegram, admin):
    ours = _ours(organisation, telegram, "42")
    item = post_figures_enter(
        channel=telegram, actor=admin, row=PostRow(link="42", views=300, likes=12)
    )
    assert item.variant_id == ours.pk
    latest = PostLatest.objects.get(channel=telegram)
    assert (latest.views, latest.source, latest.variant) == (300, Source.MANUAL, ours)
    with pytest.raises(ServiceError):
        post_figures_enter(channel=telegram, actor=admin, row=PostRow(link="43"))
    with pytest.raises(ServiceError):
        post_figures_enter(channel=telegram, actor=admin, row=PostRow(link="43", views=5))
    assert AuditEntry.objects.filter(action="analytics.post_figures_entered").count() == 1


def url(organisation, channel):
    return reverse(
        "analytics:post-figures", kwargs={"org": organisation.slug, "channel_id": channel.pk}
    )


def test_the_page_imports_a_table_and_names_the_broken_rows(admin_client, organisation, telegram):
    rows = [
        ["Link", "Views", "Date"],
        ["https://t.me/library_news/5", 120, "01.03.2026"],
        ["https://t.me/library_news/6", -4, "01.03.2026"],
    ]
    upload = io.BytesIO(_xlsx(rows))
    upload.name = "posts.xlsx"
    response = admin_client.post(url(organisation, telegram), {"file-file": upload}, follow=True)
    text = response.content.decode()
    assert "Импортировано публикаций: 1" in text and "Строка 3" in text
    assert PostLatest.objects.get(channel=telegram).views == 120


def test_the_page_takes_one_post_by_hand(admin_client, organisation, telegram):
    response = admin_client.post(
        url(organisation, telegram),
        {
            "post-link": "https://t.me/library_news/9",
            "post-published": "2026-03-01T12:00",
            "post-views": "800",
        },
    )
    assert response.status_code == 302
    latest = PostLatest.objects.get(channel=telegram)
    assert (latest.external_id, latest.views, latest.source) == ("9", 800, Source.MANUAL)
    response = admin_client.post(url(organisation, telegram), {"post-link": "10"})
    assert response.status_code == 200
    assert "Укажите хотя бы один показатель" in response.content.decode()


def test_a_reader_of_figures_cannot_enter_post_figures(
    client, organisation, telegram, member_factory
):
    client.force_login(member_factory(role=Role.ANALYST).user)
    assert client.get(url(organisation, telegram)).status_code == 200
    response = client.post(url(organisation, telegram), {"post-link": "9", "post-views": "5"})
    assert response.status_code == 404
    assert not PostLatest.objects.exists()


def test_the_page_costs_the_same_for_many_posts(
    admin_client, organisation, telegram, admin, django_assert_max_num_queries
):
    def load(count, start):
        rows = [["id", "views", "date"]]
        rows += [[n, n, date(2026, 2, 1) + timedelta(days=n % 20)] for n in range(start, count)]
        post_figures_import(channel=telegram, actor=admin, data=_xlsx(rows), filename="f.xlsx")

    _ours(organisation, telegram, "1")
    load(3, 1)
    with django_assert_max_num_queries(40) as few:
        assert admin_client.get(url(organisation, telegram)).status_code == 200
    load(80, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(url(organisation, telegram)).status_code == 200
