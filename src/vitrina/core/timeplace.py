"""One rule for time: a moment is stored in UTC and belongs to a place.

A post belongs to its library (the organisation when it has none), a variant and a message
to the channel they went out on or came to, a channel's inbox to its channel, an exhibition
or a reference inquiry to its library, everything else to the organisation. A moment is
shown on the wall clock of its place and labelled with the place's zone when that clock
differs from the viewer's («14:00 по Екатеринбургу»), so that the calendar, the exhibition,
the inbox, the exports and the e-mails all say the same hour for the same moment.

The viewer's zone is the active time zone: the organisation's, activated for every
``/o/<org>/`` page by ``OrganisationMiddleware``; exports and e-mails activate it with
``timezone.override`` before they write.

Nothing here reads the database: a place is anything with a ``timezone`` field or a way to
one (``channel``, ``variant``, ``thread``, ``post``, ``library``, ``organisation``), so the
sandbox and the API use the same functions as the pages.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

DEFAULT_FORMAT = "d.m.Y H:i"
NBSP = "\u00a0"

# How each zone is named in Russian: the city (nominative) and "по …" (dative). Written out
# rather than taken from CLDR (babel): CLDR has the nominative city only, never the dative
# that «14:00 по Екатеринбургу» needs, and for some zones not the city a librarian says
# (Asia/Sakhalin is «о-в Сахалин» there, Южно-Сахалинск here). Every IANA zone of Russia,
# then the neighbours' and a few that libraries' partners are in; other zones fall back to
# their IANA city and UTC offset (see ``zone_name``).
RUSSIAN_ZONES: dict[str, tuple[str, str]] = {
    "Europe/Kaliningrad": ("Калининград", "по Калининграду"),
    "Europe/Moscow": ("Москва", "по Москве"),
    "Europe/Simferopol": ("Симферополь", "по Симферополю"),
    "Europe/Kirov": ("Киров", "по Кирову"),
    "Europe/Volgograd": ("Волгоград", "по Волгограду"),
    "Europe/Astrakhan": ("Астрахань", "по Астрахани"),
    "Europe/Saratov": ("Саратов", "по Саратову"),
    "Europe/Ulyanovsk": ("Ульяновск", "по Ульяновску"),
    "Europe/Samara": ("Самара", "по Самаре"),
    "Asia/Yekaterinburg": ("Екатеринбург", "по Екатеринбургу"),
    "Asia/Omsk": ("Омск", "по Омску"),
    "Asia/Novosibirsk": ("Новосибирск", "по Новосибирску"),
    "Asia/Barnaul": ("Барнаул", "по Барнаулу"),
    "Asia/Tomsk": ("Томск", "по Томску"),
    "Asia/Novokuznetsk": ("Новокузнецк", "по Новокузнецку"),
    "Asia/Krasnoyarsk": ("Красноярск", "по Красноярску"),
    "Asia/Irkutsk": ("Иркутск", "по Иркутску"),
    "Asia/Chita": ("Чита", "по Чите"),
    "Asia/Yakutsk": ("Якутск", "по Якутску"),
    "Asia/Khandyga": ("Хандыга", "по Хандыге"),
    "Asia/Vladivostok": ("Владивосток", "по Владивостоку"),
    "Asia/Ust-Nera": ("Усть-Нера", "по Усть-Нере"),
    "Asia/Magadan": ("Магадан", "по Магадану"),
    "Asia/Sakhalin": ("Южно-Сахалинск", "по Южно-Сахалинску"),
    "Asia/Srednekolymsk": ("Среднеколымск", "по Среднеколымску"),
    "Asia/Kamchatka": ("Петропавловск-Камчатский", "по Петропавловску-Камчатскому"),
    "Asia/Anadyr": ("Анадырь", "по Анадырю"),
    "Europe/Minsk": ("Минск", "по Минску"),
    "Europe/Kyiv": ("Киев", "по Киеву"),
    "Europe/Kiev": ("Киев", "по Киеву"),
    "Europe/Chisinau": ("Кишинёв", "по Кишинёву"),
    "Europe/Riga": ("Рига", "по Риге"),
    "Europe/Vilnius": ("Вильнюс", "по Вильнюсу"),
    "Europe/Tallinn": ("Таллин", "по Таллину"),
    "Europe/Helsinki": ("Хельсинки", "по Хельсинки"),
    "Europe/Warsaw": ("Варшава", "по Варшаве"),
    "Europe/Berlin": ("Берлин", "по Берлину"),
    "Europe/London": ("Лондон", "по Лондону"),
    "Europe/Istanbul": ("Стамбул", "по Стамбулу"),
    "Asia/Tbilisi": ("Тбилиси", "по Тбилиси"),
    "Asia/Yerevan": ("Ереван", "по Еревану"),
    "Asia/Baku": ("Баку", "по Баку"),
    "Asia/Almaty": ("Алматы", "по Алматы"),
    "Asia/Qostanay": ("Костанай", "по Костанаю"),
    "Asia/Aqtobe": ("Актобе", "по Актобе"),
    "Asia/Aqtau": ("Актау", "по Актау"),
    "Asia/Atyrau": ("Атырау", "по Атырау"),
    "Asia/Oral": ("Уральск", "по Уральску"),
    "Asia/Qyzylorda": ("Кызылорда", "по Кызылорде"),
    "Asia/Tashkent": ("Ташкент", "по Ташкенту"),
    "Asia/Samarkand": ("Самарканд", "по Самарканду"),
    "Asia/Bishkek": ("Бишкек", "по Бишкеку"),
    "Asia/Dushanbe": ("Душанбе", "по Душанбе"),
    "Asia/Ashgabat": ("Ашхабад", "по Ашхабаду"),
    "Asia/Ulaanbaatar": ("Улан-Батор", "по Улан-Батору"),
    "Asia/Shanghai": ("Пекин", "по Пекину"),
    "UTC": ("UTC", "по UTC"),
    "Etc/UTC": ("UTC", "по UTC"),
}

# The zones of Russia, west to east: the head of every zone select.
RUSSIA = list(RUSSIAN_ZONES)[: list(RUSSIAN_ZONES).index("Europe/Minsk")]

# The attributes through which a thing reaches its place, nearest first.
_WAYS_TO_PLACE = ("channel", "variant", "thread", "post", "library", "organisation")


def zone_of(thing) -> str | None:
    """The IANA zone of the place a thing belongs to; None means the viewer's zone.

    An organisation not yet loaded is taken as the viewer's rather than fetched: every page,
    export and e-mail is of one organisation, whose zone is the active one, and a list of a
    hundred rows must not cost a hundred queries for it."""
    for _depth in range(6):
        if thing is None:
            return None
        if isinstance(thing, str):
            return thing
        own = getattr(thing, "timezone", None)
        if isinstance(own, str) and own:
            return own
        for attribute in _WAYS_TO_PLACE:
            # ``…_id`` first: an empty foreign key must not cost a query.
            if getattr(thing, f"{attribute}_id", True) is None:
                continue
            if attribute == "organisation" and not _loaded(thing, attribute):
                return None
            nearer = getattr(thing, attribute, None)
            if nearer is not None:
                thing = nearer
                break
        else:
            return None
    return None


def _loaded(thing, attribute: str) -> bool:
    meta = getattr(thing, "_meta", None)
    try:
        field = meta.get_field(attribute) if meta is not None else None
    except FieldDoesNotExist:
        field = None
    # Not a model or no such relation: reading the attribute costs nothing.
    return field is None or not field.is_relation or field.is_cached(thing)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_info(zone) -> ZoneInfo:
    """A ZoneInfo from a name or a ZoneInfo; an unknown name is UTC rather than a 500."""
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return _zone(str(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return _zone("UTC")


def viewer_zone() -> ZoneInfo:
    """The zone of whoever is looking: the active one (the organisation's on its pages)."""
    current = timezone.get_current_timezone()
    return current if isinstance(current, ZoneInfo) else zone_info(str(current))


def _russian() -> bool:
    return (get_language() or "ru").startswith("ru")


def utc_offset(zone, moment: datetime | None = None) -> str:
    """``UTC+5``, ``UTC+5:30``, ``UTC−1`` at the moment (now when none is given)."""
    moment = moment or timezone.now()
    offset = moment.astimezone(zone_info(zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_name(zone) -> str:
    """The zone as a person names it: «Екатеринбург» (Yekaterinburg in English)."""
    name = str(zone)
    if _russian() and name in RUSSIAN_ZONES:
        return RUSSIAN_ZONES[name][0]
    if name in ("UTC", "Etc/UTC"):
        return "UTC"
    return f"{_city(name)} ({utc_offset(name)})" if _russian() else _city(name)


def zone_label(zone) -> str:
    """The words after an hour: «по Екатеринбургу» (Yekaterinburg time in English)."""
    name = str(zone)
    if _russian():
        if name in RUSSIAN_ZONES:
            return RUSSIAN_ZONES[name][1]
        return f"по {utc_offset(name)} ({_city(name)})"
    return f"{_city(name)} time"


def zone_choices() -> list[tuple[str, str]]:
    """The zone select: Russia west to east with its offsets, then every other zone."""
    now = timezone.now()
    # Old spellings of a zone (Europe/Kiev, Etc/UTC) go with the rest, by their codes.
    aliases = {"Europe/Kiev", "Etc/UTC"}
    first = RUSSIA + [name for name in RUSSIAN_ZONES if name not in RUSSIA + list(aliases)]
    seen = set(first)
    # Every zone the model accepts stays selectable, the rarely used ones last.
    others = sorted(
        zoneinfo.available_timezones() - seen,
        key=lambda name: ("/" not in name or name.startswith(("Etc/", "SystemV/")), name),
    )

    def label(name: str) -> str:
        known = RUSSIAN_ZONES.get(name) if name not in aliases else None
        if _russian() and known:
            return f"{known[0]} ({utc_offset(name, now)})"
        return f"{_city(name)} — {name} ({utc_offset(name, now)})"

    return [(name, label(name)) for name in first + others]


def local(moment: datetime, zone) -> datetime:
    """The moment on the place's wall clock."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, _zone("UTC"))
    return moment.astimezone(zone_info(zone))


def differs(moment: datetime, zone, viewer=None) -> bool:
    """Whether the place's clock shows another hour than the viewer's at that moment."""
    viewer = viewer_zone() if viewer is None else zone_info(viewer)
    return local(moment, zone).utcoffset() != moment.astimezone(viewer).utcoffset()


def _shows_time(fmt: str) -> bool:
    return any(letter in fmt for letter in "aAfgGhHiPs")


def format_at_place(
    moment: datetime | date | None,
    zone,
    viewer=None,
    fmt: str = DEFAULT_FORMAT,
    label: bool | None = None,
    nbsp: bool = False,
) -> str:
    """A moment as its place's wall clock, labelled when the viewer's clock differs:
        «01.12.2026 14:00 по Екатеринбургу». A date-only format is not labelled (the day is the
        place's day); an empty moment is a dash. ``label`` True or False decides the label for
        pages with no single viewer (the sandbox's walls). ``nbsp`` keeps the hour and its label on
    one line in a page (no-break spaces), so a narrow column breaks only after the date."""
    if moment is None or moment == "":
        return "—"
    if not isinstance(moment, datetime):
        if not isinstance(moment, date):
            return str(moment)
        return date_format(moment, "d.m.Y" if _shows_time(fmt) else fmt)  # a day has no hour
    if zone is None:
        zone = viewer_zone() if viewer is None else viewer
    text = date_format(local(moment, zone), fmt)
    if label is None:
        label = _shows_time(fmt) and differs(moment, zone, viewer)
    if label:
        words = zone_label(zone_info(zone).key)
        if nbsp:
            head, _space, hour = text.rpartition(" ")
            tail = NBSP.join([hour, *words.split(" ")])
            return f"{head} {tail}" if head else tail
        text = f"{text} {words}"
    return text


def _with_offset(moment: datetime, zone) -> datetime:
    """The instant on the place's clock, unless that clock's offset has seconds (local mean
    time before the zones were set, e.g. +05:48:48 in Yekaterinburg before 1919): RFC 3339
    offsets carry hours and minutes only, so such an instant is given in UTC."""
    placed = local(moment, zone)
    if placed.utcoffset().total_seconds() % 60:
        return placed.astimezone(_zone("UTC"))
    return placed


def moment_at_place(moment: datetime | None, place) -> datetime | None:
    """The same instant carrying its place's offset, for answers that serialise it (the
    API's ``2026-12-01T14:00:00+05:00``); a place of no zone takes the viewer's."""
    if moment is None:
        return None
    return _with_offset(moment, zone_of(place) or viewer_zone())


def iso_at_place(moment: datetime | None, zone) -> str | None:
    """ISO 8601 with the place's offset: ``2026-12-01T14:00:00+05:00`` (the same instant)."""
    if moment is None:
        return None
    return _with_offset(moment, zone).isoformat()
