"""Short links to the library's own resources: which resource an address is, making and
confirming links, what a code redirects to, and the composer's replacement of links in a
variant's text.

A link is made for an address of the library's site, e-catalogue or e-library (the
addresses kept on each library). Any other address gets a link that does not redirect
until an editor confirms it, so ``/s/<code>`` is never an open redirect.
"""

import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Library, Membership, User
from vitrina.strategy.models import Resource, ShortLink, ShortLinkClicks
from vitrina.strategy.rules import can_edit_strategy

ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 7
CODE_RE = re.compile(r"^[0-9A-Za-z]{1,16}$")
LOOKUP_SECONDS = 300
LOCAL_SECONDS = 10
LOCAL_SIZE = 10_000
_local: dict[str, tuple[float, tuple[int, str] | None]] = {}
# The same address pattern the content module marks links with.
URL_RE = re.compile(r"https?://[^\s<>\"')\]]+")
TRAILING = ".,;:!?»"

FIELDS = (
    (Resource.CATALOGUE, "catalogue_url"),
    (Resource.ELIBRARY, "elibrary_url"),
    (Resource.SITE, "website_url"),
)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def short_url(code: str) -> str:
    return f"{settings.SITE_URL}/s/{code}"


def _bare(url: str) -> tuple[str, str]:
    """Host (without www.) and path of an address, for comparing."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, parts.path.rstrip("/")


@dataclass(frozen=True)
class Match:
    resource: str
    library: Library


def resource_of(url: str, libraries) -> Match | None:
    """Which of the libraries' resources the address belongs to: the longest matching
    address wins (an e-catalogue at site.ru/opac is the e-catalogue, not the site); an
    address on a resource's host is that resource."""
    host, path = _bare(url)
    if not host:
        return None
    best, best_score = None, -1
    for library in libraries:
        for resource, field in FIELDS:
            base = getattr(library, field, "")
            if not base:
                continue
            base_host, base_path = _bare(base)
            if base_host != host:
                continue
            score = len(base_path) + 1 if path.startswith(base_path) else 0
            if score > best_score:
                best, best_score = Match(resource, library), score
    return best


def organisation_libraries(organisation_id: int) -> list[Library]:
    return list(
        Library.objects.filter(organisation_id=organisation_id).only(
            "id", "organisation_id", "website_url", "catalogue_url", "elibrary_url"
        )
    )


def _valid_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ServiceError(_("Enter a full address starting with http:// or https://.")) from None
    if len(url) > 1000:
        raise ServiceError(_("The address is too long (at most 1000 characters)."))
    return url


def _forget(code: str) -> None:
    _local.pop(code, None)
    cache.delete(f"shortlinks:code:{code}")


def _create(**fields) -> ShortLink:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShortLink.objects.create(code=new_code(), **fields)
        except IntegrityError:
            if (
                "variant" in fields
                and ShortLink.objects.filter(
                    variant=fields["variant"], target_url=fields["target_url"]
                ).exists()
            ):
                raise
            continue  # a code already taken: draw another
    raise ServiceError(_("Could not make a short link; try again."))


@transaction.atomic
def shortlink_create(
    *, membership: Membership, actor: User, target_url: str, title: str = ""
) -> ShortLink:
    """A short link made by hand. An address outside the library's sites is kept, but
    redirects only once an editor confirms it."""
    if not can_edit_strategy(membership):
        raise PermissionDenied
    url = _valid_url(target_url)
    match = resource_of(url, organisation_libraries(membership.organisation_id))
    link = _create(
        organisation=membership.organisation,
        library=match.library if match else None,
        target_url=url,
        resource=match.resource if match else Resource.OTHER,
        title=(title or "").strip()[:200],
        created_by=actor,
    )
    audit_record(
        organisation=membership.organisation,
        actor=actor,
        action="strategy.shortlink_created",
        obj=link,
        changes={"code": link.code, "resource": link.resource},
    )
    return link


@transaction.atomic
def shortlink_confirm(*, membership: Membership, actor: User, link: ShortLink) -> ShortLink:
    """An editor's confirmation that a link to an outside address may redirect."""
    if not can_edit_strategy(membership):
        raise PermissionDenied
    link = ShortLink.objects.select_for_update().get(
        pk=link.pk, organisation=membership.organisation
    )
    if link.confirmed_at is None:
        link.confirmed_at = timezone.now()
        link.confirmed_by = actor
        link.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_record(
            organisation=membership.organisation,
            actor=actor,
            action="strategy.shortlink_confirmed",
            obj=link,
            changes={"code": link.code, "address": link.target_url},
        )
    # Forgotten now and again after the commit, when a click between the two may have
    # cached the link as not confirmed.
    _forget(link.code)
    transaction.on_commit(lambda: _forget(link.code))
    return link


def shortlink_list(*, membership: Membership) -> QuerySet[ShortLink]:
    return ShortLink.objects.filter(organisation=membership.organisation).select_related(
        "library", "channel", "rubric", "post"
    )


def shortlink_get(*, membership: Membership, pk: int) -> ShortLink | None:
    return ShortLink.objects.filter(organisation=membership.organisation, pk=pk).first()


def resolve(code: str, *, now: float | None = None) -> tuple[int, str] | None:
    """The link's id and address for a code, or None for an unknown code or a link not
    confirmed yet. Kept in the process for ``LOCAL_SECONDS`` and in the shared cache for
    ``LOOKUP_SECONDS``: a burst of clicks reads the database once, and a confirmation is
    seen everywhere within ``LOCAL_SECONDS``."""
    if not CODE_RE.match(code):
        return None
    now = time.monotonic() if now is None else now
    local = _local.get(code)
    if local is not None and local[0] > now:
        return local[1]
    key = f"shortlinks:code:{code}"
    found = cache.get(key)
    if found is None:
        link = (
            ShortLink.objects.filter(code=code)
            .only("id", "target_url", "resource", "confirmed_at")
            .first()
        )
        found = (link.pk, link.target_url) if link is not None and link.active else ()
        cache.set(key, found, LOOKUP_SECONDS)
    result = tuple(found) or None
    if len(_local) > LOCAL_SIZE:
        _local.clear()
    _local[code] = (now + LOCAL_SECONDS, result)
    return result


# --- the composer -------------------------------------------------------------------


def _variant_link(variant, url: str, match: Match) -> ShortLink:
    """The variant's link for this address: the same one every time it is asked for."""
    found = ShortLink.objects.filter(variant=variant, target_url=url).first()
    if found is not None:
        return found
    post = variant.post
    try:
        return _create(
            organisation_id=post.organisation_id,
            library=match.library,
            target_url=url,
            resource=match.resource,
            title=str(post)[:200],
            variant=variant,
            post=post,
            channel_id=variant.channel_id,
            rubric_id=post.rubric_id,
        )
    except IntegrityError:
        # Made at the same moment by another attempt of the same variant.
        return ShortLink.objects.get(variant=variant, target_url=url)


def shorten_text(text: str, *, variant, libraries: list[Library]) -> str:
    """Every link in the text to one of the libraries' resources, as the variant's short
    link (the address it redirects to keeps the link marks already in the text)."""

    def replace(found: re.Match) -> str:
        url, tail = found.group(0), ""
        while url and url[-1] in TRAILING:
            url, tail = url[:-1], url[-1] + tail
        if url.startswith(settings.SITE_URL + "/s/"):
            return found.group(0)
        match = resource_of(url, libraries)
        if match is None or len(url) > 1000:
            return found.group(0)
        return short_url(_variant_link(variant, url, match).code) + tail

    return URL_RE.sub(replace, text)


def shorten_payload(variant, text: str, link: str | None) -> tuple[str, str | None]:
    """The payload's text and link with the library's resources behind short links, for a
    post whose links are marked (the post's "mark links" option)."""
    post = variant.post
    if not getattr(post, "add_utm", False):
        return text, link
    libraries = organisation_libraries(post.organisation_id)
    if not any(getattr(lib, field) for lib in libraries for _r, field in FIELDS):
        return text, link
    text = shorten_text(text, variant=variant, libraries=libraries)
    if link:
        link = shorten_text(link, variant=variant, libraries=libraries)
    return text, link


# --- counts -------------------------------------------------------------------------


def clicks_in(*, organisation_id: int, start=None, end=None, library_id: int | None = None):
    """The stored click counts of an organisation's links, hours in ``[start, end)``."""
    rows = ShortLinkClicks.objects.filter(link__organisation_id=organisation_id)
    if library_id is not None:
        rows = rows.filter(link__library_id=library_id)
    if start is not None:
        rows = rows.filter(hour__gte=start)
    if end is not None:
        rows = rows.filter(hour__lt=end)
    return rows


def clicks_total(*, organisation_id: int, start=None, end=None, library_id=None) -> int:
    """Counted clicks in the period: the figure of the goal ``catalogue_visits``."""
    rows = clicks_in(organisation_id=organisation_id, start=start, end=end, library_id=library_id)
    return rows.aggregate(total=Sum("count"))["total"] or 0


def clicks_by(*, organisation_id: int, start=None, end=None, library_id=None) -> dict:
    """Counted clicks by resource and channel: ``{"rows": [...], "total": n}``, each row
    ``{"resource", "channel", "network", "clicks"}``, the largest first."""
    rows = (
        clicks_in(organisation_id=organisation_id, start=start, end=end, library_id=library_id)
        .values("link__resource", "link__channel__name", "link__channel__network")
        .annotate(clicks=Sum("count"))
        .order_by("-clicks", "link__resource", "link__channel__name")
    )
    labels = dict(Resource.choices)
    result = [
        {
            "resource": str(labels.get(row["link__resource"], row["link__resource"])),
            "channel": row["link__channel__name"] or "",
            "network": row["link__channel__network"] or "",
            "clicks": row["clicks"],
        }
        for row in rows
    ]
    return {"rows": result, "total": sum(row["clicks"] for row in result)}


def link_totals(links) -> dict[int, int]:
    """Counted clicks of each of these links, all time."""
    rows = (
        ShortLinkClicks.objects.filter(link__in=links)
        .values("link_id")
        .annotate(clicks=Sum("count"))
    )
    return {row["link_id"]: row["clicks"] for row in rows}
