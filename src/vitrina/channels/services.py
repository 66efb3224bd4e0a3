"""Writes for the channels registry. Every change goes to the audit log."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.addresses import external_id_from_url, normalise_url
from vitrina.channels.models import Channel, ChannelSecret
from vitrina.channels.networks import ConnectionState, Network, SecretKind
from vitrina.channels.providers.registry import is_connectable, kinds_for
from vitrina.channels.signals import channel_archived
from vitrina.core import crypto
from vitrina.core.audit import audit_changes, audit_record, diff_fields, snapshot
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Library, Organisation, User

EDITABLE_FIELDS = (
    "library",
    "network",
    "kind",
    "name",
    "url",
    "external_id",
    "created_on",
    "timezone",
    "audience_notes",
    "posts_per_week",
    "subscribers",
    "visits",
)


def _prepare(channel: Channel) -> None:
    """Normalise and check a channel before it is saved."""
    channel.name = (channel.name or "").strip()
    if not channel.name:
        raise ServiceError(_("Enter the channel's name."), field="name")
    if channel.network not in Network.values:
        raise ServiceError(_("Choose a network."), field="network")
    if channel.kind not in kinds_for(channel.network):
        raise ServiceError(
            _("%(network)s has no accounts of this kind.")
            % {"network": Network(channel.network).label},
            field="kind",
        )
    try:
        channel.url = normalise_url(channel.network, channel.url)
    except ValidationError as error:
        raise ServiceError(error.messages[0], field="url") from error
    channel.external_id = (channel.external_id or "").strip() or external_id_from_url(
        channel.network, channel.url
    )
    library: Library = channel.library
    if library.organisation_id != channel.organisation_id:
        raise ServiceError(_("Choose a library of this organisation."), field="library")
    if not is_connectable(channel.network):
        channel.connection_state = ConnectionState.RECORD_ONLY
    elif channel.connection_state == ConnectionState.RECORD_ONLY:
        channel.connection_state = ConnectionState.NOT_CONNECTED
    try:
        channel.full_clean(exclude=["organisation", "library"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ServiceError(messages[0], field=field) from error
    _check_duplicates(channel)


def _check_duplicates(channel: Channel) -> None:
    others = Channel.objects.filter(
        organisation_id=channel.organisation_id, network=channel.network
    ).exclude(pk=channel.pk)
    duplicate = None
    if channel.url:
        duplicate = others.filter(url__iexact=channel.url).first()
    if duplicate is None and channel.external_id:
        duplicate = others.filter(external_id=channel.external_id).first()
    if duplicate is not None:
        message = (
            _("This account is already in the registry as “%(name)s” (archived); restore it.")
            if duplicate.is_archived
            else _("This account is already in the registry as “%(name)s”.")
        )
        raise Conflict(message % {"name": duplicate.name}, field="url", code="duplicate")


@transaction.atomic
def channel_create(*, organisation: Organisation, actor: User | None, **fields) -> Channel:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}")
    library = fields.get("library")
    if library is not None and "timezone" not in fields:
        fields["timezone"] = library.timezone
    if library is None:
        raise ServiceError(_("Choose the library that keeps this account."), field="library")
    channel = Channel(organisation=organisation, **fields)
    _prepare(channel)
    channel.save()
    audit_record(
        action="channel.created",
        organisation=organisation,
        actor=actor,
        obj=channel,
        changes=diff_fields({}, snapshot(channel, EDITABLE_FIELDS)),
    )
    return channel


@transaction.atomic
def channel_update(*, channel: Channel, actor: User | None, **fields) -> Channel:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}")
    # Re-read: a bound form may already have written the new values onto the instance.
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    before = snapshot(channel, EDITABLE_FIELDS)
    for name, value in fields.items():
        setattr(channel, name, value)
    _prepare(channel)
    channel.save()
    audit_changes(
        action="channel.changed",
        organisation=channel.organisation,
        actor=actor,
        obj=channel,
        before=before,
        fields=EDITABLE_FIELDS,
    )
    return channel


@transaction.atomic
def channel_set_archived(*, channel: Channel, actor: User | None, archived: bool) -> Channel:
    if channel.is_archived == archived:
        return channel
    if not archived:
        _check_duplicates(channel)
    channel.archived_at = timezone.now() if archived else None
    channel.save(update_fields=["archived_at", "updated_at"])
    channel_archived.send(sender=Channel, channel=channel, archived=archived)
    audit_record(
        action="channel.archived" if archived else "channel.restored",
        organisation=channel.organisation,
        actor=actor,
        obj=channel,
    )
    return channel


@transaction.atomic
def channel_set_connection_state(
    *, channel: Channel, state: str, actor: User | None = None, reason: str = ""
) -> Channel:
    if channel.connection_state == state:
        return channel
    before = channel.connection_state
    channel.connection_state = state
    channel.save(update_fields=["connection_state", "updated_at"])
    changes = {"connection_state": [before, state]}
    if reason:
        changes["reason"] = [None, reason]
    audit_record(
        action="channel.connection_changed",
        organisation=channel.organisation,
        actor=actor,
        obj=channel,
        changes=changes,
    )
    return channel


@transaction.atomic
def channel_secret_set(
    *,
    channel: Channel,
    kind: str,
    value: str,
    actor: User | None,
    expires_at: datetime | None = None,
) -> ChannelSecret:
    if kind not in SecretKind.values:
        raise ServiceError(_("Unknown kind of token."), field="kind")
    value = (value or "").strip()
    if not value:
        raise ServiceError(_("Paste the token."), field="value")
    if any(character.isspace() for character in value):
        raise ServiceError(_("A token has no spaces or line breaks; copy it again."), field="value")
    secret, _created = ChannelSecret.objects.update_or_create(
        channel=channel,
        kind=kind,
        defaults={"ciphertext": crypto.encrypt(value), "expires_at": expires_at},
    )
    audit_record(
        action="channel.secret_set",
        organisation=channel.organisation,
        actor=actor,
        obj=channel,
        changes={"secret": [None, SecretKind(kind).label]},
    )
    return secret


@transaction.atomic
def channel_secret_clear(*, channel: Channel, kind: str, actor: User | None) -> None:
    deleted, _count = ChannelSecret.objects.filter(channel=channel, kind=kind).delete()
    if deleted:
        audit_record(
            action="channel.secret_removed",
            organisation=channel.organisation,
            actor=actor,
            obj=channel,
            changes={"secret": [SecretKind(kind).label, None]},
        )


def channel_secret_value(*, channel: Channel, kind: str) -> str | None:
    """The decrypted token for the providers; never for templates or the API."""
    secret = ChannelSecret.objects.filter(channel=channel, kind=kind).first()
    return crypto.decrypt(secret.ciphertext) if secret else None


FIGURE_FIELDS = ("subscribers", "visits", "posts_per_week")


@transaction.atomic
def channel_figures_set(
    *,
    channel: Channel,
    subscribers: int | None,
    visits: int | None,
    posts_per_week,
    actor: User | None = None,
) -> Channel:
    """The registry's figures as counted from the networks' figures (subscribers, visits of
    the year, posts a week); the audit log keeps what changed."""
    before = snapshot(channel, FIGURE_FIELDS)
    channel.subscribers, channel.visits = subscribers, visits
    channel.posts_per_week = posts_per_week
    channel.stats_updated_at = timezone.now()
    channel.save(update_fields=[*FIGURE_FIELDS, "stats_updated_at"])
    changes = diff_fields(before, snapshot(channel, FIGURE_FIELDS))
    if changes:  # a collection that changes nothing leaves no entry
        audit_record(
            action="channel.figures_changed",
            organisation=channel.organisation,
            actor=actor,
            obj=channel,
            changes=changes,
        )
    return channel


def channels_publish_hold(*, channel_ids, until: datetime | None) -> int:
    """Hold channels for publishing until ``until`` (None frees them at once).

    Publishing holds a channel while one of its posts is in flight and frees it at the
    network's pace. This runs for every post, on the hot path: one UPDATE, no audit entry —
    it is a pacing mark of the engine, not a change a person made or should see.
    """
    return Channel.objects.filter(pk__in=channel_ids).update(publish_not_before=until)
