from django.conf import settings

from vitrina.core import navigation as nav
from vitrina.core import rules
from vitrina.core.sandbox_page import sandbox_page
from vitrina.core.selectors import memberships_of


def navigation(request):
    context = {"demo_mode": settings.DEMO_MODE, "sandbox_page": sandbox_page()}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    membership = getattr(request, "membership", None)
    context["my_memberships"] = memberships_of(user)
    if membership is not None:
        context["membership"] = membership
        context["organisation"] = membership.organisation
        context["nav_items"] = nav.items_for(membership, request.path)
        context["can_manage_members"] = rules.can_manage_members(membership)
        context["can_view_audit"] = rules.can_view_audit(membership)
    return context
