"""What every reader-services read starts from: the acting membership's readers and
requests, within its organisation and, for a membership limited to some libraries, theirs."""

from django.db.models import QuerySet

from vitrina.core import rules
from vitrina.core.models import Membership
from vitrina.readers.models import Reader


def library_scope(queryset: QuerySet, membership: Membership, path: str = "library_id") -> QuerySet:
    """``queryset`` narrowed to the membership's libraries (``path`` names the library's id)."""
    limited = rules.limited_library_ids(membership)
    if limited is not None:
        queryset = queryset.filter(**{f"{path}__in": limited})
    return queryset


def scoped_readers(membership: Membership) -> QuerySet[Reader]:
    readers = Reader.objects.filter(organisation_id=membership.organisation_id)
    return library_scope(readers, membership)
