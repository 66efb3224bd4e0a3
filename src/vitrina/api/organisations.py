"""The organisation, its libraries and members (read-only)."""

from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate

from vitrina.api.auth import membership_allowed, membership_or_404
from vitrina.api.errors import ApiError
from vitrina.api.pagination import Pagination
from vitrina.api.schemas import ErrorOut, Id, LibraryOut, MemberOut, OrganisationOut
from vitrina.core import rules, selectors
from vitrina.core.models import Library, Membership

router = Router(tags=["organisations"])


def _organisation_out(membership: Membership) -> dict:
    organisation = membership.organisation
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "timezone": organisation.timezone,
        "role": membership.role,
    }


def _library_out(library: Library) -> dict:
    return {
        "id": library.pk,
        "name": library.name,
        "short_name": library.short_name,
        "parent_id": library.parent_id,
        "timezone": library.timezone,
        "website_url": library.website_url,
        "catalogue_url": library.catalogue_url,
        "elibrary_url": library.elibrary_url,
        "archived": library.archived_at is not None,
    }


def _member_out(member: Membership) -> dict:
    return {
        "id": member.pk,
        "username": member.user.username,
        "full_name": member.user.full_name,
        "role": member.role,
        "is_active": member.is_active,
        "library_ids": [library.pk for library in member.libraries.all()],
    }


def _administrator(request, org_slug: str) -> Membership:
    return membership_allowed(
        request, org_slug, rules.can_manage_members, _("Only administrators see the members.")
    )


@router.get("/organisations", response=list[OrganisationOut], summary="My organisations")
def organisation_list(request):
    return [_organisation_out(m) for m in selectors.memberships_of(request.auth)]


@router.get(
    "/organisations/{org_slug}",
    response={200: OrganisationOut, 404: ErrorOut},
    summary="One organisation",
)
def organisation_detail(request, org_slug: str):
    return _organisation_out(membership_or_404(request, org_slug))


@router.get(
    "/organisations/{org_slug}/libraries",
    response={200: list[LibraryOut], 404: ErrorOut},
    summary="Libraries of the organisation",
)
@paginate(Pagination)
def library_list(request, org_slug: str, include_archived: bool = False):
    membership = membership_or_404(request, org_slug)
    libraries = selectors.library_list(membership=membership, include_archived=include_archived)
    return [_library_out(library) for library in libraries]


@router.get(
    "/organisations/{org_slug}/libraries/{library_id}",
    response={200: LibraryOut, 404: ErrorOut},
    summary="One library",
)
def library_detail(request, org_slug: str, library_id: Id):
    membership = membership_or_404(request, org_slug)
    library = selectors.library_get(membership=membership, pk=library_id)
    if library is None:
        raise ApiError(404, "not_found", _("No such library."))
    return _library_out(library)


@router.get(
    "/organisations/{org_slug}/members",
    response={200: list[MemberOut], 403: ErrorOut, 404: ErrorOut},
    summary="Members of the organisation (administrators only)",
)
@paginate(Pagination)
def member_list(request, org_slug: str):
    membership = _administrator(request, org_slug)
    return [
        _member_out(member)
        for member in selectors.member_list(organisation=membership.organisation)
    ]


@router.get(
    "/organisations/{org_slug}/members/{member_id}",
    response={200: MemberOut, 403: ErrorOut, 404: ErrorOut},
    summary="One member (administrators only)",
)
def member_detail(request, org_slug: str, member_id: Id):
    membership = _administrator(request, org_slug)
    member = selectors.member_get(organisation=membership.organisation, pk=member_id)
    if member is None:
        raise ApiError(404, "not_found", _("No such member."))
    return _member_out(member)
