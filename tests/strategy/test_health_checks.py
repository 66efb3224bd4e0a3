from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from tests.factories import ChannelFactory, MembershipFactory
from tests.factories.analytics import AccountSnapshotFactory
from tests.factories.content import RubricFactory
from tests.factories.inbox import MessageFactory, ThreadFactory
from tests.strategy.health_history import NOW, days_ago, load, publish, row_of, vk
from vitrina.analytics.models import PostLatest
from vitrina.channels.networks import ConnectionState, Kind, Network
from vitrina.channels.providers.registry import provider_class
from vitrina.core.exceptions import ServiceError
from vitrina.core.roles import Role
from vitrina.inbox.models import Direction, ThreadKind
from vitrina.strategy.health import (
    answers,
    formats,
    goals,
    pages,
    regularity,
    rubrics,
    timing,
)
from vitrina.strategy.health.base import ATTENTION, BAD, GOOD, UNKNOWN
from vitrina.strategy.health.facts import page_fact_set
from vitrina.strategy.models import Goal, RubricPlan, ShortLink, ShortLinkClicks, Strategy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Rows are found by their subject, in English.
    with translation.override("en"):
        yield


@pytest.fixture
def strategy(organisation):
    return Strategy.objects.create(organisation=organisation)


# Regularity


def test_a_page_posting_daily_meets_its_target_and_is_an_active_page(organisation, library):
    channel = vk(library, posts_per_week=Decimal(7))
    for day in range(28):
        publish(channel, days_ago(day, hour=10) if day else days_ago(0, hour=9))
    row = row_of(regularity.check(load(organisation)))
    assert row.status == GOOD
    assert row.figures["posts"] == 28
    assert row.figures["posts_per_week"] == 7.0
    assert row.figures["longest_gap_days"] <= 1.1
    assert row.figures["category"] == "active"


def test_a_silent_fortnight_is_bad_and_says_the_gap(organisation, library):
    channel = vk(library, posts_per_week=Decimal(3))
    publish(channel, days_ago(27))
    publish(channel, days_ago(3))
    row = row_of(regularity.check(load(organisation)))
    assert row.status == BAD
    assert row.figures["longest_gap_days"] == 24.0
    assert row.figures["category"] == ""  # below a business card
    assert row.advice


def test_without_a_channel_target_the_strategys_rubrics_set_it(organisation, library, strategy):
    rubric = RubricFactory(organisation=organisation, target_per_week=Decimal(4))
    RubricPlan.objects.create(strategy=strategy, rubric=rubric)
    channel = vk(library)
    for day in range(0, 28, 3):  # ten posts: 2.5 a week against 4
        publish(channel, days_ago(day))
    row = row_of(regularity.check(load(organisation)))
    assert row.figures["target_per_week"] == 4.0
    assert row.status == ATTENTION


def test_posts_made_on_the_network_directly_keep_the_page_regular(organisation, library):
    channel = vk(library, posts_per_week=Decimal(2))
    publish(channel, days_ago(20))
    for day in (1, 5, 9, 13, 17, 24, 27):  # read back by analytics, made outside Vitrina
        PostLatest.objects.create(
            channel=channel, external_id=f"wall{day}", published_at=days_ago(day), taken_at=NOW
        )
    row = row_of(regularity.check(load(organisation)))
    assert row.figures["posts"] == 8
    assert row.figures["longest_gap_days"] <= 4.1
    assert row.status != BAD


def test_the_categories_go_from_flagship_to_business_card():
    assert regularity.category_of(20)[0] == "flagship"
    assert regularity.category_of(5)[0] == "active"
    assert regularity.category_of(1)[0] == "card"
    assert regularity.category_of(0.5)[0] == ""


def test_channels_of_record_only_networks_are_not_held_to_a_rhythm(organisation, library):
    ChannelFactory(library=library, network=Network.WEBSITE, kind=Kind.SITE)
    assert regularity.check(load(organisation)).rows == []


# Rubric targets


def test_a_rubric_posted_as_planned_is_good_and_one_behind_is_bad(organisation, library):
    channel = vk(library)
    kept = RubricFactory(organisation=organisation, name="Книжные новинки", target_per_week=2)
    behind = RubricFactory(organisation=organisation, name="Краеведение", target_per_week=2)
    RubricFactory(organisation=organisation, name="Без плана")  # no target: not checked
    for day in range(1, 28, 3):
        publish(channel, days_ago(day), rubric=kept)
    publish(channel, days_ago(5), rubric=behind)
    check = rubrics.check(load(organisation))
    assert [row.subject for row in check.rows] == ["Книжные новинки", "Краеведение"]
    assert row_of(check, "Книжные").status == GOOD
    assert row_of(check, "Книжные").figures["posts"] == 9
    assert row_of(check, "Краеведение").status == BAD
    assert row_of(check, "Краеведение").figures == {
        "posts": 1,
        "posts_per_week": 0.2,
        "target": 2.0,
    }


# Days and hours


def test_posts_at_the_planned_hours_on_the_channels_clock(organisation, library, strategy):
    library.timezone = "Asia/Yekaterinburg"  # UTC+5; the plan is on the library's clock
    library.save()
    channel = vk(library)
    on_time = RubricFactory(organisation=organisation, name="Утро")
    late = RubricFactory(organisation=organisation, name="Вечер")
    RubricPlan.objects.create(strategy=strategy, rubric=on_time, days=[0, 1], hours=[10])
    RubricPlan.objects.create(strategy=strategy, rubric=late, days=[2], hours=[18])
    # Mondays and Tuesdays 05:00 UTC are 10:00 in Yekaterinburg.
    for day in (2, 8, 9, 15):
        publish(channel, days_ago(day, hour=5), rubric=on_time)
    for day in (0, 7, 14):  # Wednesdays, at 12:00 UTC = 17:00 there
        publish(channel, days_ago(day, hour=12), rubric=late)
    check = timing.check(load(organisation))
    assert row_of(check, "Утро").status == GOOD
    assert row_of(check, "Утро").figures == {"posts": 4, "on_plan": 4}
    assert row_of(check, "Вечер").status == BAD
    assert row_of(check, "Вечер").figures == {"posts": 3, "on_plan": 0}


def test_a_plan_without_posts_has_no_verdict_yet(organisation, library, strategy):
    rubric = RubricFactory(organisation=organisation)
    RubricPlan.objects.create(strategy=strategy, rubric=rubric, hours=[10])
    assert timing.check(load(organisation)).rows[0].status == UNKNOWN


# Pictures, polls, questions


def test_posts_with_pictures_polls_and_questions(organisation, library):
    channel = vk(library)
    for day in range(8):
        publish(channel, days_ago(day), picture=True)
    publish(channel, days_ago(9), poll="Что почитать?")
    publish(channel, days_ago(10), text="А вы читали «Войну и мир»?")
    check = formats.check(load(organisation))
    pictures = row_of(check, "With a picture")
    assert pictures.figures == {"posts": 10, "with_picture": 8}
    assert pictures.status == GOOD  # 80 %
    talk = row_of(check, "Polls")
    assert talk.figures == {"posts": 10, "polls": 1, "questions": 1}
    assert talk.status == GOOD


def test_every_post_with_a_picture_is_held_to_the_strategy(organisation, library, strategy):
    strategy.picture_every_post = True
    strategy.save()
    channel = vk(library)
    for day in range(4):
        publish(channel, days_ago(day), picture=day > 1)
    publish(channel, days_ago(5))
    publish(channel, days_ago(6))
    check = formats.check(load(organisation))
    assert row_of(check, "With a picture").status == BAD  # 2 of 6
    assert row_of(check, "Polls").status == ATTENTION  # no poll, no question


def test_one_post_published_on_two_channels_counts_once(organisation, library):
    first, second = vk(library), vk(library)
    variant = publish(first, days_ago(1), picture=True)
    from tests.factories.content import VariantFactory
    from vitrina.content.states import VariantState

    VariantFactory(
        post=variant.post, channel=second, state=VariantState.PUBLISHED, published_at=days_ago(1)
    )
    assert row_of(formats.check(load(organisation)), "With").figures["posts"] == 1


# Answers


def _thread(channel, asked, answered=None, **kwargs):
    return ThreadFactory(
        channel=channel,
        first_inbound_at=asked,
        last_message_at=asked,
        first_answer_at=answered,
        **kwargs,
    )


def test_answers_within_the_target_are_good(organisation, library):
    channel = vk(library)
    for day in (3, 6, 10, 14):
        asked = days_ago(day, hour=9)
        _thread(channel, asked, asked + timedelta(hours=2))
    check = answers.check(load(organisation))
    assert row_of(check, "Answered").status == GOOD
    assert row_of(check, "Answered").figures == {"due": 4, "in_time": 4}
    assert row_of(check, "Negative").status == GOOD


def test_late_and_missing_answers_and_a_waiting_complaint_are_bad(organisation, library):
    organisation.answer_working_days = 1
    organisation.save()
    channel = vk(library)
    asked = days_ago(14, hour=9)  # a Wednesday
    _thread(channel, asked, asked + timedelta(days=5))  # late
    _thread(channel, days_ago(10, hour=9))  # never answered
    _thread(channel, days_ago(7, hour=9), days_ago(7, hour=11))  # in time
    _thread(channel, NOW - timedelta(hours=1))  # not due yet
    complaint = _thread(channel, days_ago(6), kind=ThreadKind.COMMENT, awaiting_since=days_ago(6))
    MessageFactory(thread=complaint, negative=True, text="Безобразие, полгода ремонт!")
    check = answers.check(load(organisation))
    answered = row_of(check, "Answered")
    # The late one, the unanswered one and the complaint; the newest is not due yet.
    assert answered.figures == {"due": 4, "in_time": 1}
    assert answered.status == BAD
    negative = row_of(check, "Negative")
    assert negative.status == BAD
    assert negative.figures["waiting"] == 1
    assert negative.figures["oldest_hours"] == 144


def test_a_fresh_complaint_still_within_the_target_is_worth_a_look(organisation, library):
    channel = vk(library)
    complaint = _thread(channel, NOW - timedelta(hours=2), awaiting_since=NOW - timedelta(hours=2))
    MessageFactory(thread=complaint, negative=True, created_at=NOW - timedelta(hours=2))
    MessageFactory(thread=complaint, direction=Direction.IN, negative=False)
    assert row_of(answers.check(load(organisation)), "Negative").status == ATTENTION


def test_the_strategys_answer_target_is_used(organisation, library, strategy):
    strategy.answer_working_days = 3
    strategy.save()
    channel = vk(library)
    asked = days_ago(14, hour=9)
    _thread(channel, asked, asked + timedelta(days=2))
    assert row_of(answers.check(load(organisation)), "Answered").figures["in_time"] == 1


# Goals


def _goal(strategy, **kwargs):
    defaults = {"title": "Цель", "deadline": NOW.date() + timedelta(days=30)}
    return Goal.objects.create(strategy=strategy, **{**defaults, **kwargs})


def test_new_subscribers_counted_over_a_year_and_carried_at_the_recent_pace(
    organisation, library, strategy
):
    channel = vk(library)
    other = ChannelFactory(library=library, network=Network.OK)
    for day in range(0, 120):
        on = NOW.date() - timedelta(days=day)
        # Two a day lately, one a day before.
        AccountSnapshotFactory(channel=channel, day=on, followers=900, joined=2 if day < 28 else 1)
        AccountSnapshotFactory(channel=other, day=on, followers=50, joined=9)
    on_track = _goal(strategy, metric="new_subscribers", network="vk", baseline=100, target=700)
    behind = _goal(
        strategy, title="Далеко", metric="new_subscribers", network="vk", baseline=100, target=5000
    )
    rows = {row.subject: row for row in goals.check(load(organisation)).rows}
    good = rows[on_track.title]
    assert good.figures["now"] == 28 * 2 + 92  # the days of the last year
    assert good.figures["projected"] == 730.0  # two a day, for a year
    assert good.status == GOOD
    assert rows[behind.title].status == BAD


def test_without_daily_joins_the_followers_tell_the_new_subscribers(
    organisation, library, strategy
):
    channel = vk(library)
    for day in range(0, 60):
        AccountSnapshotFactory(
            channel=channel, day=NOW.date() - timedelta(days=day), followers=1000 - 5 * day
        )
    _goal(strategy, metric="new_subscribers", network="vk", target=100)
    row = goals.check(load(organisation)).rows[0]
    assert row.figures["now"] == 295.0
    assert row.figures["projected"] == round(5 * 28 * 365 / 28, 1)
    assert row.status == GOOD


def test_goals_unmeasured_or_past_their_deadline(organisation, library, strategy):
    channel = vk(library)
    publish(channel, days_ago(1))
    _goal(strategy, title="Посетители", metric="event_people", target=40)
    _goal(
        strategy,
        title="Ритм",
        metric="posts_per_week",
        target=5,
        deadline=NOW.date() - timedelta(days=1),
    )
    _goal(strategy, title="Ответы", metric="answered_in_time_share", target=90)
    rows = {row.subject: row for row in goals.check(load(organisation)).rows}
    assert rows["Посетители"].status == UNKNOWN
    assert rows["Ритм"].status == BAD and rows["Ритм"].figures["now"] == 0.2
    assert rows["Ответы"].status == UNKNOWN  # no conversation yet


def test_visits_to_the_catalogue_are_the_short_links_clicks_of_a_month(
    organisation, library, strategy
):
    link = ShortLink.objects.create(
        organisation=organisation, code="kat1", target_url="https://lib.example/catalogue"
    )
    ShortLinkClicks.objects.create(link=link, hour=NOW - timedelta(days=3), count=120)
    ShortLinkClicks.objects.create(link=link, hour=NOW - timedelta(days=45), count=999)
    other = ShortLink.objects.create(
        organisation=ChannelFactory().organisation, code="kat2", target_url="https://x.example/"
    )
    ShortLinkClicks.objects.create(link=other, hour=NOW - timedelta(days=1), count=500)
    _goal(strategy, title="Каталог", metric="catalogue_visits", target=300)
    row = goals.check(load(organisation)).rows[0]
    assert row.figures["now"] == 120.0
    assert row.status == BAD  # 120 of 300, nothing to carry


def test_a_goal_already_reached_is_good(organisation, library, strategy):
    channel = vk(library)
    for day in range(28):
        publish(channel, days_ago(day))
    _goal(strategy, title="Ритм", metric="posts_per_week", target=5)
    assert goals.check(load(organisation)).rows[0].status == GOOD


# Official pages


def test_a_missing_official_page_is_bad_on_each_network_that_requires_one(organisation, library):
    required = [n for n in (Network.VK, Network.OK) if provider_class(n).official_page_required]
    assert required == [Network.VK, Network.OK]
    vk(library)
    check = pages.check(load(organisation))
    missing = [row for row in check.rows if row.figures.get("pages") == 0]
    assert [row.figures["network"] for row in missing] == [Network.OK]
    assert missing[0].status == BAD


def test_facts_the_network_does_not_tell_are_confirmed_by_hand(organisation, library):
    editor = MembershipFactory(organisation=organisation, role=Role.EDITOR)
    page = vk(library)
    ChannelFactory(library=library, network=Network.OK, connection_state=ConnectionState.CONNECTED)
    row = row_of(pages.check(load(organisation)), provider_class("vk").title)
    assert row.status == ATTENTION and not row.confirmed_by_hand
    facts = [fact["fact"] for fact in row.figures["facts"]]
    assert facts == ["address", "hours", "phone", "site", "mark"]  # VK has the mark
    assert row.figures["mark"] == provider_class("vk").official_mark
    for fact in facts:
        page_fact_set(membership=editor, channel_id=page.pk, fact=fact, confirmed=True)
    check = pages.check(load(organisation))
    row = row_of(check, provider_class("vk").title)
    assert row.status == GOOD and row.confirmed_by_hand
    assert {fact["confirmed_by"] for fact in row.figures["facts"]} == {
        editor.user.get_full_name() or editor.user.username
    }
    ok = row_of(check, provider_class("ok").title)
    # The OK provider declares no official mark: its facts are the description's four.
    assert [fact["fact"] for fact in ok.figures["facts"]] == ["address", "hours", "phone", "site"]
    page_fact_set(membership=editor, channel_id=page.pk, fact="phone", confirmed=False)
    assert row_of(pages.check(load(organisation)), "ВКонтакте").status == ATTENTION


def test_an_unconnected_page_is_bad(organisation, library):
    ChannelFactory(
        library=library, network=Network.VK, connection_state=ConnectionState.NOT_CONNECTED
    )
    row = row_of(pages.check(load(organisation)), "ВКонтакте")
    assert row.status == BAD and row.figures["connected"] is False


def test_confirmations_are_refused_where_they_do_not_belong(organisation, library, member_factory):
    author = member_factory(role=Role.AUTHOR)
    editor = member_factory(role=Role.EDITOR)
    page = vk(library)
    telegram = ChannelFactory(library=library, network=Network.TELEGRAM, kind=Kind.CHANNEL)
    with pytest.raises(ServiceError) as refused:
        page_fact_set(membership=author, channel_id=page.pk, fact="phone", confirmed=True)
    assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError) as refused:
        page_fact_set(membership=editor, channel_id=telegram.pk, fact="phone", confirmed=True)
    assert refused.value.code == "not_found"
    with pytest.raises(ServiceError) as refused:
        page_fact_set(membership=editor, channel_id=page.pk, fact="avatar", confirmed=True)
    assert refused.value.code == "invalid"
    foreign = vk(ChannelFactory().library)
    with pytest.raises(ServiceError):
        page_fact_set(membership=editor, channel_id=foreign.pk, fact="phone", confirmed=True)


def test_another_organisations_posts_are_not_counted(organisation, library):
    vk(library)
    stranger = vk(ChannelFactory().library)
    for day in range(10):
        publish(stranger, days_ago(day))
    context = load(organisation)
    assert context.variants == []
    assert [row.figures["posts"] for row in regularity.check(context).rows] == [0]


def test_date_is_used():  # the crafted period ends on a Wednesday
    assert NOW.date() == date(2026, 11, 25) and NOW.weekday() == 2
