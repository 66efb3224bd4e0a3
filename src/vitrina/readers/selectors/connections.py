"""Library-system connections of an organisation."""

from django.db.models import Q, QuerySet
from django.http import Http404

from vitrina.core.models import Library, Membership
from vitrina.core.rules import limited_library_ids
from vitrina.readers.models import IlsConnection


def connection_list(
    *, membership: Membership, include_archived: bool = False
) -> QuerySet[IlsConnection]:
    """The organisation's connections; a person limited to some libraries sees theirs and
    the organisation-wide ones."""
    found = IlsConnection.objects.filter(organisation=membership.organisation).select_related(
        "library"
    )
    if not include_archived:
        found = found.filter(archived_at__isnull=True)
    limited = limited_library_ids(membership)
    if limited is not None:
        found = found.filter(Q(library__isnull=True) | Q(library_id__in=limited))
    return found.order_by("archived_at", "library__name", "name")


def connection_get(*, membership: Membership, connection_id: int) -> IlsConnection:
    connection = (
        connection_list(membership=membership, include_archived=True)
        .filter(pk=connection_id)
        .first()
    )
    if connection is None:
        raise Http404
    return connection


def connection_for_library(library: Library) -> IlsConnection | None:
    """The connection that serves ``library``: its own, else the organisation's."""
    found = IlsConnection.objects.filter(
        organisation_id=library.organisation_id, archived_at__isnull=True
    )
    own = found.filter(library=library).order_by("pk").first()
    if own is not None:
        return own
    return found.filter(library__isnull=True).order_by("pk").first()
