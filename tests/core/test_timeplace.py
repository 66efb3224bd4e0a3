"""The one rule for time: a moment on its place's clock, labelled when the viewer's differs."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, available_timezones

import pytest
from django.utils import timezone, translation

from tests.factories import ChannelFactory, LibraryFactory, OrganisationFactory, PostFactory
from tests.factories.inbox import MessageFactory, ThreadFactory
from vitrina.core import timeplace

MOMENT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Kaliningrad", "10.03.2026 11:00 по Калининграду"),
        ("Europe/Samara", "10.03.2026 13:00 по Самаре"),
        ("Asia/Yekaterinburg", "10.03.2026 14:00 по Екатеринбургу"),
        ("Asia/Novosibirsk", "10.03.2026 16:00 по Новосибирску"),
        ("Asia/Yakutsk", "10.03.2026 18:00 по Якутску"),
        ("Asia/Vladivostok", "10.03.2026 19:00 по Владивостоку"),
        ("Asia/Sakhalin", "10.03.2026 20:00 по Южно-Сахалинску"),
        ("Asia/Kamchatka", "10.03.2026 21:00 по Петропавловску-Камчатскому"),
    ],
)
def test_a_moment_is_shown_on_its_place_clock_and_labelled(zone, expected):
    assert timeplace.format_at_place(MOMENT, zone, viewer="Europe/Moscow") == expected


def test_no_label_when_the_viewer_clock_shows_the_same_hour():
    assert timeplace.format_at_place(MOMENT, "Europe/Moscow", "Europe/Moscow") == "10.03.2026 12:00"
    # Another zone with the same offset at that moment: the hour is the viewer's own.
    assert timeplace.format_at_place(MOMENT, "Europe/Minsk", "Europe/Moscow") == "10.03.2026 12:00"


def test_a_zone_with_summer_time_is_labelled_by_its_offset_at_the_moment():
    winter = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 10, 0, tzinfo=UTC)
    # Berlin is UTC+1 in winter and UTC+2 in summer; Moscow is UTC+3 all year.
    assert timeplace.format_at_place(winter, "Europe/Berlin", "Europe/Moscow") == (
        "15.01.2026 12:00 по Берлину"
    )
    assert timeplace.format_at_place(summer, "Europe/Berlin", "Europe/Moscow") == (
        "15.07.2026 12:00 по Берлину"
    )
    # The night the clocks go forward (29 March 2026, 02:00 → 03:00 in Berlin).
    before = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    after = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert (
        timeplace.format_at_place(before, "Europe/Berlin", "UTC") == "29.03.2026 01:59 по Берлину"
    )
    assert timeplace.format_at_place(after, "Europe/Berlin", "UTC") == "29.03.2026 03:00 по Берлину"
    # Lisbon is on UTC in winter: no label for a UTC viewer then, a label in summer.
    assert timeplace.format_at_place(winter, "Europe/Lisbon", "UTC") == "15.01.2026 11:00"
    assert timeplace.format_at_place(summer, "Europe/Lisbon", "UTC").startswith("15.07.2026 11:00")


def test_the_viewer_is_the_active_zone():
    with timezone.override(ZoneInfo("Asia/Yekaterinburg")):
        assert timeplace.format_at_place(MOMENT, "Asia/Yekaterinburg") == "10.03.2026 14:00"
        assert timeplace.format_at_place(MOMENT, "Europe/Moscow") == "10.03.2026 12:00 по Москве"
        # A thing of no place is on the viewer's clock.
        assert timeplace.format_at_place(MOMENT, None) == "10.03.2026 14:00"


def test_a_day_is_the_place_day_and_not_labelled():
    late = datetime(2026, 3, 10, 20, 30, tzinfo=UTC)  # already 11 March in Yekaterinburg
    shown = timeplace.format_at_place(late, "Asia/Yekaterinburg", "Europe/Moscow", fmt="d.m.Y")
    assert shown == "11.03.2026"
    assert timeplace.format_at_place(date(2026, 3, 10), "Asia/Yekaterinburg", fmt="d.m.Y") == (
        "10.03.2026"
    )
    assert timeplace.format_at_place(None, "Asia/Yekaterinburg") == "—"
    # A day given where a moment was expected prints as a day, not an error.
    assert timeplace.format_at_place(date(2026, 3, 10), "Asia/Yekaterinburg") == "10.03.2026"


def test_the_iso_form_carries_the_place_offset_and_the_same_instant():
    text = timeplace.iso_at_place(MOMENT, "Asia/Yekaterinburg")
    assert text == "2026-03-10T14:00:00+05:00"
    assert datetime.fromisoformat(text) == MOMENT
    assert timeplace.iso_at_place(None, "Asia/Yekaterinburg") is None


def test_a_local_mean_time_offset_is_given_in_utc():
    # Before 1919 Yekaterinburg kept +05:48:48, which RFC 3339 (hours and minutes) cannot say.
    old = datetime(1143, 9, 25, 2, 17, 21, tzinfo=UTC)
    text = timeplace.iso_at_place(old, "Asia/Yekaterinburg")
    assert text == "1143-09-25T02:17:21+00:00"
    assert (
        timeplace.moment_at_place(old, LibraryFactory.build(timezone="Asia/Yekaterinburg")) == old
    )
    assert (
        timeplace.moment_at_place(old, LibraryFactory.build(timezone="Asia/Yekaterinburg"))
        .utcoffset()
        .total_seconds()
        == 0
    )


def test_every_zone_of_russia_has_a_russian_name_and_a_label():
    russian = {name for name in available_timezones() if _in_russia(name)}
    assert russian <= set(timeplace.RUSSIA)
    for zone in timeplace.RUSSIA:
        name, label = timeplace.RUSSIAN_ZONES[zone]
        assert timeplace.zone_name(zone) == name and name[0].isupper()
        assert timeplace.zone_label(zone) == label and label.startswith("по ")
        assert not any("a" <= letter <= "z" for letter in name.lower())


def _in_russia(zone: str) -> bool:
    """Zones tzdata lists for RU in its table of countries."""
    with open("/usr/share/zoneinfo/zone1970.tab", encoding="utf-8") as table:
        for line in table:
            if line.startswith("#"):
                continue
            countries, _coordinates, name, *_rest = line.rstrip("\n").split("\t")
            if name == zone:
                return "RU" in countries.split(",")
    return False


def test_zone_select_starts_with_russia_west_to_east_by_russian_names():
    choices = timeplace.zone_choices()
    values = [value for value, _label in choices]
    assert values[: len(timeplace.RUSSIA)] == timeplace.RUSSIA
    labels = dict(choices)
    assert labels["Asia/Yekaterinburg"] == "Екатеринбург (UTC+5)"
    assert labels["Europe/Kaliningrad"] == "Калининград (UTC+2)"
    assert labels["Asia/Sakhalin"] == "Южно-Сахалинск (UTC+11)"
    assert len(values) == len(set(values))
    assert len(labels.values()) == len(set(labels.values()))  # no two lines read the same
    # Every zone a library may have stored stays selectable.
    assert set(values) == available_timezones()
    assert labels["Asia/Kolkata"] == "Kolkata — Asia/Kolkata (UTC+5:30)"


def test_zone_names_in_english():
    with translation.override("en"):
        assert timeplace.zone_name("Asia/Yekaterinburg") == "Yekaterinburg"
        assert timeplace.zone_label("Asia/Yekaterinburg") == "Yekaterinburg time"
        assert timeplace.format_at_place(MOMENT, "Asia/Yekaterinburg", "Europe/Moscow") == (
            "10.03.2026 14:00 Yekaterinburg time"
        )


def test_an_unknown_zone_name_is_utc_not_an_error():
    assert timeplace.zone_info("Mars/Olympus").key == "UTC"


@pytest.mark.django_db
def test_each_thing_belongs_to_its_place(django_assert_num_queries):
    organisation = OrganisationFactory(timezone="Asia/Vladivostok")
    library = LibraryFactory(organisation=organisation, timezone="Asia/Yekaterinburg")
    channel = ChannelFactory(library=library, timezone="Asia/Omsk")
    post = PostFactory(organisation=organisation, library=library)
    loose = PostFactory(organisation=organisation)
    thread = ThreadFactory(channel=channel)
    message = MessageFactory(thread=thread)
    assert timeplace.zone_of(post) == "Asia/Yekaterinburg"
    assert timeplace.zone_of(loose) == "Asia/Vladivostok"
    assert timeplace.zone_of(channel) == "Asia/Omsk"
    assert timeplace.zone_of(message) == "Asia/Omsk"
    assert timeplace.zone_of(thread) == "Asia/Omsk"
    assert timeplace.zone_of("Europe/Samara") == "Europe/Samara"
    assert timeplace.zone_of(None) is None
    # An organisation not loaded is the viewer's (no query spent on it); a loaded one is used.
    fresh = type(loose).objects.get(pk=loose.pk)
    with django_assert_num_queries(0):
        assert timeplace.zone_of(fresh) is None
    fresh.organisation = organisation
    assert timeplace.zone_of(fresh) == "Asia/Vladivostok"


def test_in_a_page_the_hour_and_its_label_stay_on_one_line():
    shown = timeplace.format_at_place(MOMENT, "Asia/Yekaterinburg", "Europe/Moscow", nbsp=True)
    assert shown == "10.03.2026 14:00\u00a0по\u00a0Екатеринбургу"
    same = timeplace.format_at_place(MOMENT, "Europe/Moscow", "Europe/Moscow", nbsp=True)
    assert same == "10.03.2026 12:00"
    hour = timeplace.format_at_place(
        MOMENT, "Asia/Yekaterinburg", "Europe/Moscow", fmt="H:i", nbsp=True
    )
    assert hour == "14:00\u00a0по\u00a0Екатеринбургу"
