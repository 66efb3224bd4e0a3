"""Bearer authentication with personal API tokens and the organisation gate of the API."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from vitrina.api.errors import ApiError
from vitrina.core.models import Membership
from vitrina.core.selectors import membership_for
from vitrina.core.services import api_token_authenticate
from vitrina.core.timeplace import zone_info


class PersonalToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


def membership_or_404(request, org_slug: str) -> Membership:
    """The caller's membership in the organisation; unknown and foreign look the same."""
    membership = membership_for(request.auth, org_slug)
    if membership is None:
        raise ApiError(404, "not_found", _("No such organisation."))
    # The organisation's zone is the viewer's, as on its pages (core/timeplace.py).
    timezone.activate(zone_info(membership.organisation.timezone))
    return membership


def membership_allowed(request, org_slug: str, check, message: str) -> Membership:
    """The caller's membership when its role passes ``check``; 403 with ``message`` if not."""
    membership = membership_or_404(request, org_slug)
    if not check(membership):
        raise ApiError(403, "forbidden", message)
    return membership
