"""Reads for organisations and people, always within one organisation."""

from django.db.models import Prefetch, QuerySet

from vitrina.core.models import (
    ApiToken,
    AuditEntry,
    Invitation,
    Library,
    Membership,
    Organisation,
    User,
)
from vitrina.core.rules import limited_library_ids


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_for(user: User, organisation_slug: str) -> Membership | None:
    """The user's active membership in the organisation, or None: the one tenancy gate."""
    if not user.is_authenticated or not user.is_active:
        return None
    # No slug holds a NUL (PostgreSQL refuses it in a query) or is longer than its field.
    if "\x00" in organisation_slug or len(organisation_slug) > 100:
        return None
    return (
        Membership.objects.filter(user=user, organisation__slug=organisation_slug, is_active=True)
        .select_related("organisation", "user")
        .prefetch_related("libraries")
        .first()
    )


def library_list(*, membership: Membership, include_archived: bool = False) -> QuerySet[Library]:
    libraries = Library.objects.filter(organisation=membership.organisation).select_related(
        "parent"
    )
    if not include_archived:
        libraries = libraries.filter(archived_at__isnull=True)
    limited = limited_library_ids(membership)
    if limited is not None:
        libraries = libraries.filter(pk__in=limited)
    return libraries.order_by("parent_id", "name")


def library_tree(
    *, membership: Membership, include_archived: bool = False
) -> list[tuple[int, Library]]:
    """Libraries ordered as a tree with their depth, for lists and choice fields."""
    libraries = list(library_list(membership=membership, include_archived=include_archived))
    children: dict[int | None, list[Library]] = {}
    known = {library.pk for library in libraries}
    for library in libraries:
        parent = library.parent_id if library.parent_id in known else None
        children.setdefault(parent, []).append(library)
    ordered: list[tuple[int, Library]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for library in sorted(children.get(parent_id, []), key=lambda item: item.name):
            ordered.append((depth, library))
            walk(library.pk, depth + 1)

    walk(None, 0)
    return ordered


def library_get(*, membership: Membership, pk: int) -> Library | None:
    return library_list(membership=membership, include_archived=True).filter(pk=pk).first()


def organisation_libraries(
    *, organisation: Organisation, exclude_pk: int | None = None
) -> QuerySet[Library]:
    """Every library of the organisation that is not archived, for choosing one in a form."""
    libraries = Library.objects.filter(organisation=organisation, archived_at__isnull=True)
    if exclude_pk is not None:
        libraries = libraries.exclude(pk=exclude_pk)
    return libraries


def member_list(
    *, organisation: Organisation, include_inactive: bool = True
) -> QuerySet[Membership]:
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related(Prefetch("libraries", queryset=Library.objects.order_by("name")))
        .order_by("-is_active", "user__full_name", "user__username")
    )
    if not include_inactive:
        members = members.filter(is_active=True)
    return members


def member_get(*, organisation: Organisation, pk: int) -> Membership | None:
    return member_list(organisation=organisation).filter(pk=pk).first()


def invitation_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(organisation=organisation)
        .select_related("invited_by")
        .prefetch_related("libraries")
    )


def invitation_get(*, organisation: Organisation, pk: int) -> Invitation | None:
    return invitation_list(organisation=organisation).filter(pk=pk).first()


def audit_list(
    *, organisation: Organisation, action_prefix: str = "", actor_id: int | None = None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(organisation=organisation).select_related("actor")
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    return entries


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user, memberships__is_active=True
    ).order_by("name")


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens still in force."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def api_token_get(*, user: User, pk: int) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, pk=pk).first()


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()
