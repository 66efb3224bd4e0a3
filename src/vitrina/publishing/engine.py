"""Publishing one claimed variant: at most once, and never silently dropped.

The database is the source of truth. Every try is an attempt row written *before* the
network is called, with the outcome "unknown"; only the network's answer turns it into
something else. So if a worker dies, times out or loses the answer, the variant's last
deciding attempt is still "unknown", and the next try first asks the network whether the
post is there (VK ``guid``, the wall, the channel's recent messages). Where the network
cannot be asked (Telegram), the variant waits for a person instead of posting twice.
"""

import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.connect import channel_needs_reconnect, provider_account
from vitrina.channels.providers.errors import (
    AuthExpired,
    ProviderError,
    RateLimited,
    Rejected,
    Transient,
    Unverifiable,
)
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import Published
from vitrina.channels.services import channels_publish_hold
from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.notifications import members_with, notify
from vitrina.core.roles import Permission
from vitrina.publishing.models import PublishAttempt
from vitrina.publishing.payloads import build_payload

logger = logging.getLogger(__name__)
Outcome = PublishAttempt.Outcome

# Attempts that say something about whether the post is on the network.
DECIDING = {Outcome.UNKNOWN, Outcome.FOUND, Outcome.NOT_FOUND, Outcome.PUBLISHED}
# Our own rate limiter answers "wait" before anything is sent. A short wait is cheaper in
# the worker than a round trip through the queue; a longer one would hold a worker thread
# that other channels need, so the variant goes back to the queue for that long instead.
MAX_INLINE_WAIT = 0.2
MAX_INLINE_TOTAL = 0.4


def backoff(failures: int) -> timedelta:
    """30 s, 1 min, 2 min … up to 30 min, with jitter so retries do not arrive together."""
    base = settings.PUBLISH_BACKOFF_SECONDS
    seconds = min(base * 2 ** max(failures - 1, 0), 60 * base)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _deadline(variant: Variant):
    start = variant.scheduled_at or variant.created_at
    return start + timedelta(hours=variant.post.organisation.retry_window_hours)


def _open_attempt(variant: Variant, worker: str) -> PublishAttempt:
    variant.attempt_count += 1
    variant.save(update_fields=["attempt_count", "claimed_at", "updated_at"])
    return PublishAttempt.objects.create(
        variant=variant, started_at=timezone.now(), outcome=Outcome.UNKNOWN, worker=worker
    )


def _close(attempt: PublishAttempt, outcome: str, detail: str = "", code="") -> None:
    attempt.outcome = outcome
    attempt.detail = detail[:2000]
    attempt.network_code = str(code or "")[:60]
    attempt.finished_at = timezone.now()
    attempt.save(update_fields=["outcome", "detail", "network_code", "finished_at"])


def needs_reconciliation(variant: Variant) -> bool:
    last = variant.attempts.filter(outcome__in=DECIDING).order_by("-started_at", "-id").first()
    return last is not None and last.outcome == Outcome.UNKNOWN


def _lock_self() -> dict:
    # Lock the variant's row only, not the post and channel joined to it.
    return {"of": ("self",)} if connection.features.has_select_for_update_of else {}


def _start(variant_id: int, claim: str, worker: str):
    """Check the claim under a row lock and open an attempt; None if this run is stale."""
    with transaction.atomic():
        variant = (
            Variant.objects.select_for_update(**_lock_self())
            .select_related("post__organisation", "channel")
            .filter(pk=variant_id)
            .first()
        )
        if variant is None or variant.state != VariantState.PUBLISHING:
            return None, None, False
        if variant.claimed_by != claim:
            return None, None, False  # a newer claim owns it (the old one was swept)
        reconcile = variant.attempt_count > 0 and needs_reconciliation(variant)
        # The lease runs from here: a claim that waited in the queue is not a live worker.
        variant.claimed_at = timezone.now()
        attempt = _open_attempt(variant, worker)
        return variant, attempt, reconcile


def channel_pace(network: str) -> float:
    """Seconds between two posts on one channel, a little over the network's limit."""
    return get_provider(network).post_interval()


def publish_variant(variant_id: int, claim: str, *, worker: str = "") -> str:
    """Run one claimed variant to its next state; returns that state."""
    variant, attempt, reconcile = _start(variant_id, claim, worker)
    if variant is None:
        return "stale"
    pause = {"seconds": channel_pace(variant.channel.network)}
    try:
        return _publish(variant, attempt, reconcile, worker, pause)
    finally:
        # Free the channel for its next post at the network's pace.
        channels_publish_hold(
            channel_ids=[variant.channel_id],
            until=timezone.now() + timedelta(seconds=pause["seconds"]),
        )


def _publish(variant, attempt, reconcile: bool, worker: str, pause: dict) -> str:
    try:
        account = provider_account(variant.channel)
        provider = get_provider(variant.channel.network)
        payload = build_payload(variant)
    except (ServiceError, OSError) as error:
        message = getattr(error, "message", None) or str(error)
        return _record_rejected(variant, attempt, Rejected("prepare", message))
    except ProviderError as error:
        return _record_error(variant, attempt, error)

    if reconcile:
        first_try = variant.attempts.order_by("started_at", "id").first()
        since = first_try.started_at - timedelta(minutes=5) if first_try else None
        try:
            found = provider.find_published(account, payload, since=since)
        except Unverifiable as error:
            return _record_unverifiable(variant, attempt, error)
        except ProviderError as error:
            return _record_error(variant, attempt, error)
        if found is not None:
            return _record_published(variant, attempt, found, Outcome.FOUND)
        with transaction.atomic():
            _close(attempt, Outcome.NOT_FOUND, _("Not on the network: publishing again."))
            attempt = _open_attempt(variant, worker)

    waited = 0.0
    while True:
        try:
            published = provider.publish(account, payload)
        except RateLimited as error:
            if error.code is not None:  # the network itself said "too many"
                return _record_error(variant, attempt, error)
            # Our own limiter spoke: nothing reached the network.
            if error.retry_after <= MAX_INLINE_WAIT and waited < MAX_INLINE_TOTAL:
                time.sleep(error.retry_after)
                waited += error.retry_after
                continue
            pause["seconds"] = max(pause["seconds"], error.retry_after)
            return _defer(variant, attempt, error.retry_after)
        except ProviderError as error:
            return _record_error(variant, attempt, error)
        except Exception as error:  # an unforeseen failure mid-call: the outcome is unknown
            logger.exception("Publishing variant %s failed unexpectedly", variant.pk)
            unknown = Transient(str(error), outcome_unknown=True, network=variant.channel.network)
            return _record_error(variant, attempt, unknown)
        return _record_published(variant, attempt, published, Outcome.PUBLISHED)


def _defer(variant, attempt, seconds: float) -> str:
    """Nothing was sent: forget this try (no log noise, no reconciliation) and come back."""
    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant.pk)
        attempt.delete()
        variant.attempt_count -= 1
        variant.state = VariantState.SCHEDULED
        variant.claimed_by = ""
        variant.next_attempt_at = timezone.now() + timedelta(seconds=seconds)
        variant.save(update_fields=["attempt_count", "state", "claimed_by", "next_attempt_at"])
    return VariantState.SCHEDULED


def _post_url(variant: Variant) -> str:
    return reverse(
        "content:post",
        kwargs={"org": variant.post.organisation.slug, "post_id": variant.post_id},
    )


def _tell(variant: Variant, text: str) -> None:
    post = variant.post
    people = [post.author, *members_with(post.organisation, Permission.PUBLISH)]
    notify(users=people, organisation=post.organisation, text=text, url=_post_url(variant))


def _record_published(variant, attempt, published: Published, outcome: str) -> str:
    # The post is on the network: this is recorded whatever else happened meanwhile.
    with transaction.atomic():
        _close(attempt, outcome, published.url)
        variant.state = VariantState.PUBLISHED
        variant.external_id = str(published.external_id)
        variant.external_url = published.url or ""
        variant.published_at = published.published_at or timezone.now()
        variant.last_error = variant.last_error_code = ""
        variant.next_attempt_at = None
        variant.save(
            update_fields=[
                "state",
                "external_id",
                "external_url",
                "published_at",
                "last_error",
                "last_error_code",
                "next_attempt_at",
                "updated_at",
            ]
        )
        audit_record(
            action="variant.published",
            organisation=variant.post.organisation,
            actor=None,
            obj=variant,
            changes={"url": [None, variant.external_url]},
        )
    return VariantState.PUBLISHED


def _record_rejected(variant, attempt, error: Rejected) -> str:
    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant.pk)
        _close(attempt, Outcome.REJECTED, error.message, error.code)
        variant.state = VariantState.FAILED
        variant.last_error = error.message
        variant.last_error_code = str(error.code or "")[:60]
        variant.next_attempt_at = None
        variant.save()
        audit_record(
            action="variant.failed",
            organisation=variant.post.organisation,
            actor=None,
            obj=variant,
            changes={"reason": [None, error.message]},
        )
        _tell(
            variant,
            _("Not published to %(channel)s: %(reason)s")
            % {"channel": variant.channel.name, "reason": error.message},
        )
    return VariantState.FAILED


def _record_unverifiable(variant, attempt, error: Unverifiable) -> str:
    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant.pk)
        reason = _(
            "The network did not confirm the publication and cannot be asked whether the "
            "post appeared. Check the channel and tell Vitrina whether the post is there."
        )
        _close(attempt, Outcome.UNVERIFIABLE, error.message or reason, error.code)
        variant.state = VariantState.NEEDS_CHECK
        variant.last_error = reason
        variant.next_attempt_at = None
        variant.save()
        _tell(
            variant,
            _("Check the post in %(channel)s: %(reason)s")
            % {"channel": variant.channel.name, "reason": reason},
        )
    return VariantState.NEEDS_CHECK


def _record_error(variant, attempt, error: ProviderError) -> str:
    if isinstance(error, Rejected):
        return _record_rejected(variant, attempt, error)
    if isinstance(error, Unverifiable):
        return _record_unverifiable(variant, attempt, error)
    if isinstance(error, AuthExpired):
        with transaction.atomic():
            variant = Variant.objects.select_for_update().get(pk=variant.pk)
            _close(attempt, Outcome.AUTH_EXPIRED, error.message, error.code)
            variant.state = VariantState.NEEDS_RECONNECT
            variant.last_error = error.message or _("The network no longer accepts the token.")
            variant.last_error_code = str(error.code or "")[:60]
            variant.save()
        channel_needs_reconnect(channel=variant.channel, reason=variant.last_error)
        return VariantState.NEEDS_RECONNECT

    unknown = isinstance(error, Transient) and error.outcome_unknown
    if isinstance(error, RateLimited):
        outcome, delay = Outcome.RATE_LIMITED, timedelta(seconds=max(error.retry_after, 1))
    elif unknown:
        # Check soon: the post may well be there.
        outcome, delay = Outcome.UNKNOWN, timedelta(seconds=settings.PUBLISH_RECHECK_SECONDS)
    else:
        failures = variant.attempts.filter(outcome__in=[Outcome.TRANSIENT, Outcome.UNKNOWN]).count()
        outcome, delay = Outcome.TRANSIENT, backoff(failures + 1)

    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant.pk)
        message = error.message or error.__class__.__name__
        _close(attempt, outcome, message, error.code)
        now = timezone.now()
        variant.last_error = message
        variant.last_error_code = str(error.code or "")[:60]
        variant.claimed_by = ""
        if now + delay > _deadline(variant) and not unknown:
            variant.state = VariantState.FAILED
            variant.next_attempt_at = None
            variant.last_error = _(
                "The network kept refusing the publication for %(hours)s hours: %(reason)s"
            ) % {"hours": variant.post.organisation.retry_window_hours, "reason": message}
            variant.save()
            audit_record(
                action="variant.failed",
                organisation=variant.post.organisation,
                actor=None,
                obj=variant,
                changes={"reason": [None, variant.last_error]},
            )
            _tell(
                variant,
                _("Not published to %(channel)s: %(reason)s")
                % {"channel": variant.channel.name, "reason": variant.last_error},
            )
            return VariantState.FAILED
        variant.state = VariantState.SCHEDULED
        variant.next_attempt_at = now + delay
        variant.save()
    return VariantState.SCHEDULED
