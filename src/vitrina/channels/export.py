"""The channels registry as a document (the table libraries keep by hand), written as an
XLSX workbook by the export layer."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.channels.models import Channel
from vitrina.channels.selectors import ChannelFilter, channel_list
from vitrina.core import timeplace
from vitrina.core.exports import registry
from vitrina.core.exports.sections import XLSX, Column, Document, KeyValues, Kind, Meta, Table

KEY = "channels.registry"


def _columns():
    return [
        (Column(_("Library"), width=34, wrap=True), lambda c: c.library.name),
        (Column(_("Network"), width=16), lambda c: c.get_network_display()),
        (Column(_("Kind"), width=18), lambda c: c.get_kind_display()),
        (Column(_("Name"), width=34, wrap=True), lambda c: c.name),
        (Column(_("Address"), Kind.LINK, width=38), lambda c: c.url),
        (Column(_("External id"), width=16), lambda c: c.external_id),
        (Column(_("Date created"), Kind.DATE, width=14), lambda c: c.created_on),
        (Column(_("Time zone"), width=20), lambda c: timeplace.zone_name(c.timezone)),
        (Column(_("Posts a week"), Kind.DECIMAL, width=12), lambda c: c.posts_per_week),
        (Column(_("Friends / subscribers"), Kind.INTEGER, width=14), lambda c: c.subscribers),
        (Column(_("Visits"), Kind.INTEGER, width=12), lambda c: c.visits),
        (Column(_("Audience"), width=40, wrap=True), lambda c: c.audience_notes),
        (Column(_("Connection"), width=20), lambda c: c.get_connection_state_display()),
        (Column(_("Archived"), width=12), lambda c: _("yes") if c.is_archived else ""),
    ]


def channels_document(channels: list[Channel], *, title: str, organisation=None) -> Document:
    columns = _columns()
    today = timezone.localdate()
    return Document(
        title=title,
        meta=Meta(organisation=organisation, made_on=today),
        sheet=_("Channels"),
        sections=[
            KeyValues(pairs=[(_("Exported"), today)]),
            Table(
                columns=[column for column, _get in columns],
                rows=[[get(channel) for _column, get in columns] for channel in channels],
                autofilter=True,
            ),
        ],
    )


def _build(*, membership, filters: ChannelFilter | None = None) -> Document:
    channels = list(channel_list(membership=membership, filters=filters))
    organisation = membership.organisation
    title = _("Channels of %(organisation)s") % {"organisation": organisation.name}
    return channels_document(channels, title=title, organisation=organisation)


registry.register(
    registry.DocumentType(
        key=KEY, title=gettext_lazy("Channels registry"), build=_build, formats=(XLSX,)
    )
)
