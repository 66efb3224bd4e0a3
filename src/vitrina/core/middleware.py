"""Request plumbing: the tenancy gate, the content security policy."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import timezone

from vitrina.core.selectors import membership_for
from vitrina.core.timeplace import zone_info

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """No inline scripts or styles anywhere: every script and style is a static file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class OrganisationMiddleware:
    """Resolves the organisation of every ``/o/<org>/`` address, once, for all views.

    A person who is not an active member gets a 404, exactly as for an organisation that
    does not exist, so addresses cannot be used to learn which organisations exist.
    Views then read ``request.organisation`` and ``request.membership``. The
    organisation's time zone is the viewer's for the page (see ``core/timeplace.py``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        request.membership = None
        # Pages outside an organisation (the profile) keep the clock of the last one visited.
        zone = request.session.get("zone") if hasattr(request, "session") else None
        if zone:
            timezone.activate(zone_info(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop("org", None)
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        membership = membership_for(request.user, slug)
        if membership is None:
            raise Http404
        request.membership = membership
        request.organisation = membership.organisation
        timezone.activate(zone_info(membership.organisation.timezone))
        # Written only when it changes: assigning marks the session modified, and every page
        # would otherwise save the session row again.
        for key, value in (("organisation", slug), ("zone", membership.organisation.timezone)):
            if request.session.get(key) != value:
                request.session[key] = value
        return None
