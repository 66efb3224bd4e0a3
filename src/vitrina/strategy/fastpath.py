"""The short links' redirect in front of Django's request cycle.

A popular post brings hundreds of clicks a second; each needs only the link's address
(kept in the process) and one atomic call that counts it. Going through the whole
middleware stack for each would cost more than the redirect itself, so the WSGI
application answers ``GET /s/<code>`` of a known, working code here and hands everything
else to Django, including an unknown code, whose 404 page Django renders.

What the redirect skips is what it has no use for: no session, no user, no CSRF, no
template. The address it sends to is one stored on the link, never taken from the request.
"""

import logging
from types import SimpleNamespace

from django.db import close_old_connections
from django.utils.encoding import iri_to_uri

from vitrina.strategy import clicks, links

log = logging.getLogger(__name__)
PREFIX = "/s/"
HEADERS = [
    ("Cache-Control", "no-store"),
    ("Content-Length", "0"),
    ("Referrer-Policy", "no-referrer-when-downgrade"),
    ("X-Content-Type-Options", "nosniff"),
]


def _count(link_id: int, code: str, environ) -> None:
    try:
        clicks.click_record(link_id=link_id, code=code, request=SimpleNamespace(META=environ))
    except Exception:
        # The reader still gets where the link leads; the failure is in the log.
        log.exception("A click of the short link %s was not counted.", code)


def with_short_links(application):
    """The WSGI application with the short links' redirect in front of it."""

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return application(environ, start_response)
        code = path[len(PREFIX) :]
        # As Django's request cycle does around each request: no connection past its age.
        close_old_connections()
        try:
            found = links.resolve(code)
            if found is not None and environ["REQUEST_METHOD"] == "GET":
                _count(found[0], code, environ)  # a HEAD is a preview's, not a reader's
        finally:
            close_old_connections()
        if found is None:
            return application(environ, start_response)  # Django's 404 page
        target = found[1]
        start_response("302 Found", [("Location", iri_to_uri(target)), *HEADERS])
        return [b""]

    return app
