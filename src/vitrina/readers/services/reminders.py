"""Reminders planned from the stored loans and each library's settings.

A reminder is one row per (dialog, loan, due day, kind), and that unique constraint is the
idempotency key: planning again creates nothing new, while a renewal moves the due day and
so arms every kind again (the due-soon reminder of the new date included). Each kind has a
window of days in which it is useful; it is planned only inside it, for the library's own
sending hours in the library's own zone, and given up when the window closes.

Sending (``reminder_sending``) groups the reminders of one dialog, due day and kind into
one message ("3 книги — срок 5 декабря") and keeps the daily cap per reader.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vitrina.channels.providers.registry import networks_where, provider_class
from vitrina.channels.providers.types import Button
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Library
from vitrina.core.timeplace import zone_info
from vitrina.readers import dialog
from vitrina.readers.models import (
    Consent,
    Loan,
    Purpose,
    ReaderLink,
    Reminder,
    ReminderKind,
    ReminderSettings,
)

logger = logging.getLogger(__name__)
Kind = ReminderKind
# A final reminder not sent within this many days of its day is no longer worth sending.
FINAL_WINDOW_DAYS = 3
# An overdue reminder with nothing after it stays useful this long.
LAST_WINDOW_DAYS = 7


def settings_for(library: Library) -> ReminderSettings:
    """The library's settings, or the defaults (unsaved) for a library that has none."""
    try:
        settings = library.reminder_settings
    except ReminderSettings.DoesNotExist:
        settings = ReminderSettings(library=library)
    # The model's defaults are written as text; a row not read back keeps them so.
    for name in ("send_from", "send_until"):
        value = getattr(settings, name)
        if isinstance(value, str):
            setattr(settings, name, time.fromisoformat(value))
    return settings


# Networks


def network_facts(network: str) -> dict:
    """What the registry says about reader messaging through ``network``."""
    cls = provider_class(network)
    messaging = cls.messaging if cls is not None else None
    return {
        "network": network,
        "title": getattr(cls, "title", network),
        "can_write_first": bool(messaging and messaging.can_write_first),
        "reader_default": bool(messaging and messaging.reader_default),
        "foreign": bool(messaging and messaging.foreign),
        "note": messaging.note if messaging else "",
    }


def able_networks() -> list[str]:
    """Networks whose provider may write to a reader first."""
    return networks_where(lambda cls: cls.messaging.can_write_first)


def allowed_networks(settings: ReminderSettings) -> list[str]:
    """The networks reminders go through, in the order of preference: the library's choice,
    or the networks that serve readers by default; never one that cannot write first."""
    able = able_networks()
    if settings.networks:
        return [network for network in settings.networks if network in able]
    return [network for network in able if network_facts(network)["reader_default"]]


# Windows of each kind


@dataclass(frozen=True)
class Window:
    kind: str
    start: date  # the first day it may be sent
    end: date  # the day it is no longer useful (exclusive)


def windows(settings: ReminderSettings, due: date) -> list[Window]:
    """The kinds a loan due on ``due`` gets, each with its days; they never overlap."""
    result = []
    if settings.due_soon_days:
        result.append(Window(Kind.DUE_SOON, due - timedelta(days=settings.due_soon_days), due))
    if settings.due_today:
        result.append(Window(Kind.DUE_TODAY, due, due + timedelta(days=1)))
    overdue = []
    first = max(1, settings.overdue_first_days or 1)
    overdue.append((Kind.OVERDUE_FIRST, first))
    final = settings.overdue_final_days or 0
    repeat = settings.overdue_repeat_days or 0
    if repeat and (not final or first + repeat < final):
        overdue.append((Kind.OVERDUE_REPEAT, first + repeat))
    if final and final > first:
        overdue.append((Kind.OVERDUE_FINAL, final))
    for index, (kind, days) in enumerate(overdue):
        start = due + timedelta(days=days)
        if index + 1 < len(overdue):
            end = due + timedelta(days=overdue[index + 1][1])
        elif kind == Kind.OVERDUE_FINAL:
            end = start + timedelta(days=FINAL_WINDOW_DAYS)
        else:
            end = start + timedelta(days=LAST_WINDOW_DAYS)
        result.append(Window(kind, start, end))
    return [window for window in result if window.end > window.start]


def current_window(settings: ReminderSettings, due: date, today: date) -> Window | None:
    for window in windows(settings, due):
        if window.start <= today < window.end:
            return window
    return None


def _at(day: date, moment: time, zone) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def sending_moment(settings: ReminderSettings, zone, after: datetime) -> datetime:
    """The first moment at or after ``after`` inside the library's sending hours."""
    local = after.astimezone(zone)
    start = _at(local.date(), settings.send_from, zone)
    until = _at(local.date(), settings.send_until, zone)
    if local < start:
        return start
    if local < until:
        return after
    return _at(local.date() + timedelta(days=1), settings.send_from, zone)


def in_sending_hours(settings: ReminderSettings, zone, moment: datetime) -> bool:
    local = moment.astimezone(zone)
    return settings.send_from <= local.time() < settings.send_until


def local_day_bounds(zone, moment: datetime) -> tuple[datetime, datetime]:
    day = moment.astimezone(zone).date()
    return _at(day, time(0), zone), _at(day + timedelta(days=1), time(0), zone)


# Planning


def _consented():
    return Consent.objects.filter(
        reader=OuterRef("reader_id"), purpose=Purpose.REMINDERS, withdrawn_at__isnull=True
    )


def _links_by_reader(reader_ids, networks: list[str]) -> dict[int, int]:
    """The dialog each reader is reminded through: the first allowed network's live link."""
    order = {network: index for index, network in enumerate(networks)}
    chosen: dict[int, tuple[int, int]] = {}  # reader → (network's rank, link)
    links = ReaderLink.objects.filter(
        reader_id__in=reader_ids,
        state=ReaderLink.State.ACTIVE,
        channel__network__in=networks,
        channel__archived_at__isnull=True,
    ).values_list("pk", "reader_id", "channel__network")
    for link_id, reader_id, network in links:
        rank = (order[network], link_id)
        if reader_id not in chosen or rank < chosen[reader_id]:
            chosen[reader_id] = rank
    return {reader_id: rank[1] for reader_id, rank in chosen.items()}


def reminders_plan_library(*, library: Library, now: datetime | None = None) -> int:
    """Plan the reminders the library's loans need now; returns how many were new."""
    now = now or timezone.now()
    settings = settings_for(library)
    if not settings.enabled:
        return 0
    networks = allowed_networks(settings)
    if not networks:
        return 0
    zone = zone_info(library.timezone)
    today = now.astimezone(zone).date()
    # A loan has a window today when its due day lies within these bounds.
    reach = max(((w.end - today).days for w in windows(settings, today)), default=0)
    earliest = today - timedelta(days=reach)
    latest = today + timedelta(days=settings.due_soon_days or 0)
    loans = (
        Loan.objects.filter(reader__library=library, due__gte=earliest)
        .filter(due__lte=latest)
        .filter(Exists(_consented()))
        .values_list("reader_id", "loan_id", "due")
    )
    wanted = []
    for reader_id, loan_id, due in loans.iterator(chunk_size=5000):
        window = current_window(settings, due, today)
        if window is not None:
            wanted.append((reader_id, loan_id, due, window))
    for start in range(0, len(wanted), 2000):
        chunk = wanted[start : start + 2000]
        links = _links_by_reader({row[0] for row in chunk}, networks)
        rows = []
        for reader_id, loan_id, due, window in chunk:
            link_id = links.get(reader_id)
            if link_id is None:
                continue
            first = max(now, _at(window.start, settings.send_from, zone))
            not_before = sending_moment(settings, zone, first)
            expires_at = _at(window.end, time(0), zone)
            if not_before >= expires_at:
                continue
            rows.append(
                Reminder(
                    reader_id=reader_id,
                    link_id=link_id,
                    loan_id=loan_id,
                    due=due,
                    kind=window.kind,
                    not_before=not_before,
                    expires_at=expires_at,
                    created_at=now,
                )
            )
        with transaction.atomic():
            Reminder.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # ``ignore_conflicts`` does not say which rows were new; those made now were.
    return Reminder.objects.filter(reader__library=library, created_at=now).count()


def reminders_skip_gone(*, now: datetime | None = None) -> int:
    """Planned reminders whose loan is no longer stored with that due day: returned or
    renewed (the renewal's own reminders are planned for the new day)."""
    now = now or timezone.now()
    still = Loan.objects.filter(
        reader_id=OuterRef("reader_id"), loan_id=OuterRef("loan_id"), due=OuterRef("due")
    )
    return (
        Reminder.objects.filter(state=Reminder.State.PLANNED, message_key="")
        .filter(~Exists(still))
        .update(state=Reminder.State.SKIPPED, result=_("Returned or renewed."))
    )


def reminders_expire(*, now: datetime | None = None) -> int:
    """Planned reminders past their use are not sent any more."""
    now = now or timezone.now()
    return Reminder.objects.filter(
        state=Reminder.State.PLANNED, message_key="", expires_at__lte=now
    ).update(state=Reminder.State.SKIPPED, result=_("Too late to be of use."))


def reminders_plan_round(context=None) -> dict:
    """The periodic job ``readers.reminders_plan``."""
    now = getattr(context, "now", None) or timezone.now()
    skipped = reminders_skip_gone(now=now) + reminders_expire(now=now)
    planned = 0
    libraries = Library.objects.filter(readers__loans__isnull=False).distinct()
    for library in libraries.select_related("reminder_settings"):
        planned += reminders_plan_library(library=library, now=now)
    return {"planned": planned, "skipped": skipped}


# The message


def due_text(day: date) -> str:
    with translation.override("ru"):
        return dateformat.format(day, "j E")


def reminder_text(*, kind: str, count: int, due: date) -> str:
    """The message: the number of books and the date, no titles (those only behind «Мои
    книги», since a message may be read over the reader's shoulder)."""
    with translation.override("ru"):
        books = ngettext("%(count)s book", "%(count)s books", count) % {"count": count}
        day = due_text(due)
        texts = {
            Kind.DUE_SOON: _("Reminder from the library: %(books)s due %(day)s."),
            Kind.DUE_TODAY: _("Today is the due date: %(books)s due %(day)s."),
            Kind.OVERDUE_FIRST: _("The due date has passed: %(books)s were due %(day)s."),
            Kind.OVERDUE_REPEAT: _("A second reminder: %(books)s were due %(day)s."),
            Kind.OVERDUE_FINAL: _("The last reminder: %(books)s were due %(day)s."),
        }
        tail = _("You can renew them with the button below or see them in «My books».")
        return f"{texts[kind] % {'books': books, 'day': day}} {tail}"


def reminder_buttons(loan_ids: list[str]) -> list[Button]:
    with translation.override("ru"):
        renew = dialog.RENEW if len(loan_ids) != 1 else f"{dialog.RENEW}:{loan_ids[0]}"
        return [
            Button(label=_("Renew"), payload=renew),
            Button(label=_("My books"), payload=dialog.BOOKS),
        ]


# Settings


def reminder_settings_save(*, library: Library, actor=None, **values) -> ReminderSettings:
    """Store the library's reminder settings after checking they make sense together."""
    settings = settings_for(library)
    for name, value in values.items():
        setattr(settings, name, value)
    problems = reminder_settings_problems(settings)
    if problems:
        field, message = problems[0]
        raise ServiceError(message, field=field)
    with transaction.atomic():
        settings.save()
    return settings


def reminder_settings_problems(settings: ReminderSettings) -> list[tuple[str, str]]:
    """What does not make sense in the settings: (field, plain Russian sentence) pairs."""
    problems = []
    if settings.send_from >= settings.send_until:
        problems.append(("send_until", _("Sending must end later than it starts.")))
    if settings.daily_cap < 1:
        problems.append(
            ("daily_cap", _("At least one message a day is needed for reminders to go out."))
        )
    if settings.overdue_first_days < 1:
        problems.append(
            (
                "overdue_first_days",
                _("The first debt reminder comes at least one day after the due date."),
            )
        )
    if settings.overdue_final_days and settings.overdue_final_days <= settings.overdue_first_days:
        problems.append(
            (
                "overdue_final_days",
                _("The final reminder must come later than the first debt reminder."),
            )
        )
    able = set(able_networks())
    unable = [network for network in settings.networks or [] if network not in able]
    if unable:
        problems.append(
            (
                "networks",
                _("%(network)s cannot write to readers first.")
                % {"network": network_facts(unable[0])["title"]},
            )
        )
    return problems
