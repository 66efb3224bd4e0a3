"""Sending planned reminders: each message at most once, and none that is no longer true.

The database is the source of truth, as in publishing. Due reminders are claimed in
batches (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a claim token everywhere), grouped into
one message per dialog, due day and kind. Before the network is called, the reader's loans
are read again from the library system (a loan returned or renewed meanwhile is skipped),
consent and the dialog are checked again, an attempt row is written and the message's
idempotency key is stored. So a worker that dies, or an answer that is lost, leaves a key
behind: the next try first asks the network for a message under that key (``find_direct``)
and sends nothing if it is there; where the network cannot be asked, nothing is sent again
and the circulation librarians are told.
"""

import hashlib
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from django.conf import settings as django_settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.catalog.connectors.circulation import IlsError
from vitrina.channels.connect import channel_needs_reconnect, provider_account
from vitrina.channels.providers.errors import (
    AuthExpired,
    ProviderError,
    RateLimited,
    Rejected,
    Transient,
    Undeliverable,
    Unverifiable,
)
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import DirectMessage, SentMessage
from vitrina.core.notifications import members_with, notify
from vitrina.core.roles import Permission
from vitrina.core.timeplace import zone_info
from vitrina.readers.models import (
    Consent,
    IlsConnection,
    Purpose,
    ReaderLink,
    Reminder,
    ReminderAttempt,
)
from vitrina.readers.services.loans import circulation_of, loans_refresh_reader
from vitrina.readers.services.reminder_claims import reminders_claim, reminders_sweep_stale
from vitrina.readers.services.reminders import (
    allowed_networks,
    in_sending_hours,
    local_day_bounds,
    reminder_buttons,
    reminder_text,
    sending_moment,
    settings_for,
)

logger = logging.getLogger(__name__)
State = Reminder.State
Outcome = ReminderAttempt.Outcome


def message_key(reminder: Reminder) -> str:
    """The idempotency key of a reminder: its (dialog, loan, due day, kind), hashed."""
    raw = f"{reminder.link_id}|{reminder.loan_id}|{reminder.due.isoformat()}|{reminder.kind}"
    return "reminder:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def backoff(failures: int) -> timedelta:
    """1 min, 2 min, 4 min … up to an hour, with jitter."""
    base = django_settings.READERS_REMINDER_BACKOFF_SECONDS
    seconds = min(base * 2 ** max(failures - 1, 0), 3600)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


# Sending one message


class _Group:
    """The reminders of one message, with what sending them needs."""

    def __init__(self, rows: list[Reminder], claim: str, worker: str):
        self.rows, self.claim, self.worker = rows, claim, worker
        first = rows[0]
        self.reader, self.link = first.reader, first.link
        self.channel = self.link.channel
        self.library = self.reader.library
        self.settings = settings_for(self.library)
        self.zone = zone_info(self.library.timezone)
        self.attempts: list[ReminderAttempt] = []

    @property
    def ids(self) -> list[int]:
        return [row.pk for row in self.rows]

    @property
    def key(self) -> str:
        return self.rows[0].message_key

    def mine(self):
        return Reminder.objects.filter(pk__in=self.ids, claim=self.claim)


def _start(ids: list[int], claim: str, worker: str) -> _Group | None:
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(
                **({"of": ("self",)} if connection.features.has_select_for_update_of else {})
            )
            .select_related(
                "reader__library__reminder_settings", "reader__connection", "link__channel"
            )
            .filter(pk__in=ids, claim=claim, state=State.SENDING)
            .order_by("id")
        )
        if not rows:
            return None
        # The lease runs from here: a claim that waited in a queue is not a live worker.
        Reminder.objects.filter(pk__in=[row.pk for row in rows]).update(claimed_at=timezone.now())
    return _Group(rows, claim, worker)


class RoundCache:
    """What the messages of one round share: each library system's connector and each
    channel's account, made once per thread (a connector's HTTP client is not shared
    between threads) and closed when the round ends."""

    def __init__(self):
        self.local = threading.local()
        self.made: list = []
        self.lock = threading.Lock()

    def _own(self) -> dict:
        if not hasattr(self.local, "items"):
            self.local.items = {}
        return self.local.items

    def circulation(self, connection):
        items = self._own()
        key = ("circulation", connection.pk)
        if key not in items:
            items[key] = circulation_of(connection)
            with self.lock:
                self.made.append(items[key])
        return items[key]

    def account(self, channel):
        items = self._own()
        key = ("account", channel.pk)
        if key not in items:
            items[key] = provider_account(channel)
        return items[key]

    def close(self) -> None:
        for circulation in self.made:
            try:
                circulation.close()
            except Exception:  # closing must not hide the round's own outcome
                logger.exception("closing a library system connector failed")
        self.made.clear()


def reminder_send(ids: list[int], claim: str, *, worker: str = "", cache=None) -> str:
    """Run one claimed message to its next state; returns what happened."""
    group = _start(ids, claim, worker)
    if group is None:
        return "stale"
    own = cache is None
    cache = cache or RoundCache()
    try:
        return _send(group, cache)
    except Exception:
        logger.exception("Reminders %s failed unexpectedly", ids)
        if any(row.message_key for row in group.rows):
            _finish(group, State.UNKNOWN, Outcome.UNKNOWN, _("Unexpected failure."), delay=60)
            return State.UNKNOWN
        _finish(group, State.PLANNED, Outcome.RETRY, _("Unexpected failure."), delay=60)
        return State.PLANNED
    finally:
        if own:
            cache.close()


def _open_attempts(group: _Group) -> None:
    now = timezone.now()
    group.attempts = ReminderAttempt.objects.bulk_create(
        ReminderAttempt(reminder=row, started_at=now, worker=group.worker[:100])
        for row in group.rows
    )


def _close_attempts(group: _Group, outcome: str, detail: str = "", code="") -> None:
    now = timezone.now()
    ids = [attempt.pk for attempt in group.attempts if attempt.pk]
    if ids:
        ReminderAttempt.objects.filter(pk__in=ids).update(
            outcome=outcome, detail=detail[:500], code=str(code or "")[:40], finished_at=now
        )
    else:  # databases that give no ids back from a bulk insert
        ReminderAttempt.objects.filter(reminder_id__in=group.ids, outcome=Outcome.STARTED).update(
            outcome=outcome, detail=detail[:500], code=str(code or "")[:40], finished_at=now
        )
    group.attempts = []


def _finish(
    group: _Group,
    state: str,
    outcome: str,
    reason: str = "",
    *,
    code="",
    delay: float | None = None,
    not_before: datetime | None = None,
    keep_key: bool = False,
    rows: list[Reminder] | None = None,
    mine: bool = True,
) -> None:
    """Close this try for ``rows`` (the whole message by default)."""
    rows = group.rows if rows is None else rows
    if not rows:
        return
    fields = {"state": state, "claim": "", "result": reason[:300]}
    if delay is not None:
        fields["not_before"] = timezone.now() + timedelta(seconds=delay)
    if not_before is not None:
        fields["not_before"] = not_before
    if not keep_key:
        fields["message_key"] = ""
    with transaction.atomic():
        query = Reminder.objects.filter(pk__in=[row.pk for row in rows])
        if mine:
            query = query.filter(claim=group.claim)
        query.update(**fields)
        if group.attempts:
            keep = [a for a in group.attempts if a.reminder_id in {row.pk for row in rows}]
            others = [a for a in group.attempts if a not in keep]
            group.attempts = keep
            _close_attempts(group, outcome, reason, code)
            group.attempts = others


def _live_consent(group: _Group) -> bool:
    return Consent.objects.filter(
        reader=group.reader, purpose=Purpose.REMINDERS, withdrawn_at__isnull=True
    ).exists()


def _sent_today(group: _Group, now: datetime) -> int:
    start, end = local_day_bounds(group.zone, now)
    return (
        Reminder.objects.filter(
            reader=group.reader, state=State.SENT, sent_at__gte=start, sent_at__lt=end
        )
        .exclude(pk__in=group.ids)
        .values("message_key")
        .distinct()
        .count()
    )


def _send(group: _Group, cache: RoundCache) -> str:
    provider = get_provider(group.channel.network)
    account = cache.account(group.channel)
    now = timezone.now()

    if group.key:  # it may have gone out: ask the network before anything else
        _open_attempts(group)
        try:
            # The very message that may have gone: the same rows carry the same key.
            found = provider.find_direct(account, _message(group, group.key))
        except Unverifiable as error:
            return _unverifiable(group, error)
        except ProviderError as error:
            return _network_error(group, error, reconciling=True)
        if found is not None:
            return _sent(group, found, Outcome.FOUND)
        # Not there: it never went out, and this try goes on as a first one.
        _close_attempts(group, Outcome.RETRY, _("Not found on the network."))
        Reminder.objects.filter(pk__in=group.ids, claim=group.claim).update(message_key="")
        for row in group.rows:
            row.message_key = ""

    if now >= min(row.expires_at for row in group.rows):
        _finish(group, State.SKIPPED, Outcome.SKIPPED, _("Too late to be of use."))
        return State.SKIPPED
    if group.link.state != ReaderLink.State.ACTIVE:
        _finish(group, State.SKIPPED, Outcome.SKIPPED, _("The dialog is closed."))
        return State.SKIPPED
    if not _live_consent(group):
        _finish(group, State.SKIPPED, Outcome.SKIPPED, _("The reader withdrew consent."))
        return State.SKIPPED
    if not group.settings.enabled or group.channel.network not in allowed_networks(group.settings):
        reason = _("The library does not send reminders through this network.")
        _finish(group, State.SKIPPED, Outcome.SKIPPED, reason)
        return State.SKIPPED
    if not in_sending_hours(group.settings, group.zone, now):
        later = sending_moment(group.settings, group.zone, now)
        _finish(group, State.PLANNED, Outcome.RETRY, "", not_before=later, rows=group.rows)
        return State.PLANNED
    if _sent_today(group, now) >= group.settings.daily_cap:
        _start_of_day, end = local_day_bounds(group.zone, now)
        later = sending_moment(group.settings, group.zone, end)
        if later >= min(row.expires_at for row in group.rows):
            _finish(group, State.SKIPPED, Outcome.SKIPPED, _("The daily limit was reached."))
            return State.SKIPPED
        _finish(group, State.PLANNED, Outcome.RETRY, "", not_before=later)
        return State.PLANNED

    # The loans as the library system has them now.
    try:
        circulation = cache.circulation(group.reader.connection)
        live = {
            str(item.loan_id): item
            for item in loans_refresh_reader(reader=group.reader, circulation=circulation)
        }
    except IlsError as error:
        return _ils_down(group, error)
    gone = []
    for row in group.rows:
        item = live.get(row.loan_id)
        if item is None:
            gone.append((row, _("Returned before the reminder.")))
        elif item.due != row.due:
            gone.append((row, _("Renewed before the reminder.")))
    for row, reason in gone:
        _finish(group, State.SKIPPED, Outcome.SKIPPED, reason, rows=[row])
    if gone:
        Reminder.objects.filter(
            reader=group.reader,
            loan_id__in=[row.loan_id for row, _reason in gone],
            state=State.SENT,
        ).update(returned_after=True)
    group.rows = [row for row in group.rows if row not in {r for r, _reason in gone}]
    if not group.rows:
        return State.SKIPPED

    key = message_key(group.rows[0])
    with transaction.atomic():
        Reminder.objects.filter(pk__in=group.ids, claim=group.claim).update(message_key=key)
        for row in group.rows:
            row.message_key = key
        _open_attempts(group)
    try:
        sent = provider.send_direct(account, _message(group, key))
    except ProviderError as error:
        return _network_error(group, error)
    except Exception as error:  # an unforeseen failure mid-call: the outcome is unknown
        logger.exception("Reminder message %s failed unexpectedly", key)
        unknown = Transient(str(error), outcome_unknown=True)
        return _network_error(group, unknown)
    return _sent(group, sent, Outcome.SENT)


def _message(group: _Group, key: str) -> DirectMessage:
    """The message of the group's reminders; built the same way each time, so a lost one
    is looked up by its text and buttons where the network has no idempotency key."""
    first = group.rows[0]
    return DirectMessage(
        user_id=group.link.network_user_id,
        text=reminder_text(kind=first.kind, count=len(group.rows), due=first.due),
        key=key,
        buttons=reminder_buttons(sorted(row.loan_id for row in group.rows)),
    )


def _sent(group: _Group, sent: SentMessage, outcome: str) -> str:
    # It is on the network: recorded whatever else happened to the claim meanwhile.
    now = timezone.now()
    with transaction.atomic():
        Reminder.objects.filter(pk__in=group.ids).update(
            state=State.SENT,
            claim="",
            external_id=str(sent.external_id)[:100],
            sent_at=sent.sent_at or now,
            result="",
        )
        _close_attempts(group, outcome, str(sent.external_id))
    return State.SENT


def _tell(group: _Group, text: str) -> None:
    people = members_with(group.reader.organisation, Permission.SERVE_READERS)
    notify(users=people, organisation=group.reader.organisation, text=text)


def _unverifiable(group: _Group, error: ProviderError) -> str:
    reason = _(
        "The network did not confirm the reminder and cannot be asked whether it arrived; "
        "it is not sent again."
    )
    # Never claimed again: it waits for a person, with its key kept.
    far = max(row.expires_at for row in group.rows) + timedelta(days=3650)
    _finish(group, State.UNKNOWN, Outcome.UNKNOWN, reason, not_before=far, keep_key=True)
    _tell(
        group,
        _("A reminder to reader %(card)s through %(channel)s may not have arrived: %(reason)s")
        % {"card": group.reader.card, "channel": group.channel.name, "reason": reason},
    )
    return State.UNKNOWN


def _undeliverable(group: _Group, error: Undeliverable) -> str:
    reason = error.message or _("The network does not deliver messages to this reader.")
    with transaction.atomic():
        ReaderLink.objects.filter(pk=group.link.pk).update(
            state=ReaderLink.State.UNDELIVERABLE, state_reason=reason[:300]
        )
        _finish(group, State.FAILED, Outcome.UNDELIVERABLE, reason, code=error.code)
        Reminder.objects.filter(link=group.link, state=State.PLANNED).update(
            state=State.SKIPPED, result=_("Messages cannot be delivered in this dialog.")
        )
    _tell(
        group,
        _("Reminders cannot reach reader %(card)s through %(channel)s: %(reason)s")
        % {"card": group.reader.card, "channel": group.channel.name, "reason": reason},
    )
    return State.FAILED


def _retry_or_fail(group: _Group, outcome: str, reason: str, code="", delay=None) -> str:
    """Back to the plan after ``delay`` (a backoff by default) while the reminder is useful,
    otherwise failed with the reason."""
    failures = max(row.failures for row in group.rows) + 1
    Reminder.objects.filter(pk__in=group.ids).update(failures=failures)
    delay = delay if delay is not None else backoff(failures).total_seconds()
    later = timezone.now() + timedelta(seconds=delay)
    if later >= min(row.expires_at for row in group.rows):
        _finish(group, State.FAILED, Outcome.FAILED, reason, code=code)
        return State.FAILED
    later = sending_moment(group.settings, group.zone, later)
    _finish(group, State.PLANNED, outcome, reason, code=code, not_before=later)
    return State.PLANNED


def _network_error(group: _Group, error: ProviderError, *, reconciling: bool = False) -> str:
    message = error.summary or error.message or error.__class__.__name__
    if isinstance(error, Undeliverable):
        return _undeliverable(group, error)
    if isinstance(error, Unverifiable):
        return _unverifiable(group, error)
    if reconciling or (isinstance(error, Transient) and error.outcome_unknown):
        # Nothing is known of the message: look for it again before anything is sent.
        delay = django_settings.READERS_REMINDER_RECHECK_SECONDS
        if isinstance(error, RateLimited):
            delay = max(delay, error.retry_after)
        _finish(
            group,
            State.UNKNOWN,
            Outcome.UNKNOWN,
            message,
            code=error.code,
            delay=delay,
            keep_key=True,
        )
        return State.UNKNOWN
    if isinstance(error, RateLimited):
        _finish(
            group,
            State.PLANNED,
            Outcome.RETRY,
            message,
            code=error.code,
            delay=max(error.retry_after, 1),
        )
        return State.PLANNED
    if isinstance(error, AuthExpired):
        channel_needs_reconnect(channel=group.channel, reason=message)
        return _retry_or_fail(group, Outcome.RETRY, message, error.code)
    if isinstance(error, Rejected):
        _finish(group, State.FAILED, Outcome.FAILED, message, code=error.code)
        return State.FAILED
    return _retry_or_fail(group, Outcome.RETRY, message, error.code)


def _ils_down(group: _Group, error: IlsError) -> str:
    reason = _("The library system did not answer: %(reason)s") % {"reason": error.message}
    state = _retry_or_fail(group, Outcome.RETRY, reason, error.reason)
    # The librarian sees why on the connection; told once, when it starts failing.
    told = IlsConnection.objects.filter(pk=group.reader.connection_id, sync_problem="").update(
        sync_problem=reason[:500]
    )
    if told or state == State.FAILED:
        _tell(group, reason)
    return state


# The round


def _run(ids, claim, worker, in_thread: bool, cache: RoundCache) -> str:
    try:
        return reminder_send(ids, claim, worker=worker, cache=cache)
    except Exception:
        logger.exception("Reminders %s failed", ids)
        return "error"
    finally:
        if in_thread:
            close_old_connections()


def reminders_send_due(
    *, threads: int | None = None, worker: str = "", stopping=None, budget: float | None = None
) -> dict:
    """Send everything due now; returns the outcomes counted. ``threads`` > 1 sends the
    messages of different dialogs at once (each network's limiter paces its own token)."""
    threads = django_settings.READERS_REMINDER_THREADS if threads is None else threads
    budget = django_settings.READERS_REMINDER_ROUND_SECONDS if budget is None else budget
    started = time.monotonic()
    counts: dict[str, int] = {}
    reminders_sweep_stale()
    pool = ThreadPoolExecutor(threads, thread_name_prefix="reminders") if threads > 1 else None
    cache = RoundCache()
    try:
        while stopping is None or not stopping.is_set():
            if budget and time.monotonic() - started > budget:
                break
            claimed = reminders_claim(limit=django_settings.READERS_REMINDER_BATCH, claimer=worker)
            if not claimed:
                break
            if pool is None:
                outcomes = [_run(ids, claim, worker, False, cache) for ids, claim in claimed]
            else:
                futures = [
                    pool.submit(_run, ids, claim, worker, True, cache) for ids, claim in claimed
                ]
                wait(futures)
                outcomes = [future.result() for future in futures]
            for outcome in outcomes:
                counts[outcome] = counts.get(outcome, 0) + 1
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        cache.close()
    return counts


def reminders_send_round(context=None) -> dict:
    """The periodic job ``readers.reminders_send``."""
    worker = getattr(context, "scheduler", "") or ""
    return reminders_send_due(worker=worker, stopping=getattr(context, "stopping", None))
