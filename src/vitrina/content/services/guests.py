"""Guest posts: one-time links for people without an account and the drafts they send."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.content.models import GuestLink, Post
from vitrina.content.services._common import post_url
from vitrina.content.services.media import media_upload
from vitrina.content.services.posts import post_create
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Library, Organisation, User
from vitrina.core.notifications import members_with, notify
from vitrina.core.roles import Permission

GUEST_LINK_DAYS = 14


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def guest_link_create(
    *, organisation: Organisation, actor: User | None, note: str, library: Library | None = None
) -> tuple[GuestLink, str]:
    """A one-time link; the token is returned once and only its hash is kept."""
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("Say whom the link is for."), field="note")
    if library is not None and library.organisation_id != organisation.pk:
        raise ServiceError(_("Choose from this organisation."), field="library")
    token = secrets.token_urlsafe(24)
    link = GuestLink.objects.create(
        organisation=organisation,
        library=library,
        note=note[:200],
        token_hash=_token_hash(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=GUEST_LINK_DAYS),
    )
    audit_record(action="guest_link.created", organisation=organisation, actor=actor, obj=link)
    return link, token


def guest_link_for(token: str) -> GuestLink | None:
    """The unused, unexpired link of this token, or None."""
    if not token or len(token) > 100:
        return None
    return (
        GuestLink.objects.filter(
            token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("organisation", "library")
        .first()
    )


@transaction.atomic
def guest_post_submit(
    *, token: str, name: str, text: str, images: list[tuple[str, bytes]] = ()
) -> Post:
    """The guest's text arrives as a draft for the editors to review; the link is spent."""
    link = guest_link_for(token)
    if link is None:
        raise ServiceError(_("This link has been used or has expired."), code="gone")
    link = GuestLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise ServiceError(_("This link has been used or has expired."), code="gone")
    name, text = (name or "").strip(), (text or "").strip()
    if not name:
        raise ServiceError(_("Introduce yourself."), field="name")
    if not text:
        raise ServiceError(_("Write the text."), field="text")
    media = [
        media_upload(organisation=link.organisation, actor=None, data=data, name=filename)
        for filename, data in images
    ]
    post = post_create(
        organisation=link.organisation,
        actor=None,
        channels=[],
        media=media,
        source=Post.Source.GUEST,
        guest_name=name[:200],
        library=link.library,
        title=_("Guest post: %(name)s") % {"name": name[:100]},
        text=text,
    )
    link.used_at = timezone.now()
    link.post = post
    link.save(update_fields=["used_at", "post"])
    audit_record(action="guest_post.received", organisation=link.organisation, actor=None, obj=post)
    notify(
        users=members_with(link.organisation, Permission.PUBLISH),
        organisation=link.organisation,
        text=_("A guest post arrived from %(name)s") % {"name": name[:100]},
        url=post_url(post),
    )
    return post
