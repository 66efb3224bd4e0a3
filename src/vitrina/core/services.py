"""Writes for organisations, libraries, memberships, invitations and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vitrina.core.audit import audit_changes, audit_record, diff_fields, snapshot
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import (
    ApiToken,
    Invitation,
    Library,
    Membership,
    Organisation,
    User,
)
from vitrina.core.roles import Role

INVITATION_LIFETIME = timedelta(days=14)
LIBRARY_FIELDS = (
    "name",
    "short_name",
    "parent",
    "timezone",
    "website_url",
    "catalogue_url",
    "elibrary_url",
)
ORGANISATION_FIELDS = ("name", "kind", "timezone", "retry_window_hours", "answer_working_days")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# Organisations ---------------------------------------------------------------------------


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    admin: User,
    kind: str = Organisation.Kind.LIBRARY,
    timezone="Europe/Moscow",
) -> Organisation:
    if Organisation.objects.filter(slug=slug).exists():
        raise Conflict(_("An organisation with this short name already exists."), field="slug")
    organisation = Organisation.objects.create(name=name, slug=slug, kind=kind, timezone=timezone)
    membership = Membership.objects.create(user=admin, organisation=organisation, role=Role.ADMIN)
    audit_record(
        action="organisation.created", organisation=organisation, actor=admin, obj=organisation
    )
    audit_record(
        action="member.added",
        organisation=organisation,
        actor=admin,
        obj=membership,
        changes={"role": [None, Role.ADMIN]},
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **fields) -> Organisation:
    # Re-read: a bound form may already have written the new values onto the instance.
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(organisation, ORGANISATION_FIELDS)
    for name, value in fields.items():
        if name not in ORGANISATION_FIELDS:
            raise ServiceError(f"Unknown field {name}")
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    audit_changes(
        action="organisation.changed",
        organisation=organisation,
        actor=actor,
        obj=organisation,
        before=before,
        fields=ORGANISATION_FIELDS,
    )
    return organisation


# Libraries -------------------------------------------------------------------------------


def _check_library(organisation: Organisation, library: Library) -> None:
    name_taken = (
        Library.objects.filter(organisation=organisation, name=library.name)
        .exclude(pk=library.pk)
        .exists()
    )
    if name_taken:
        raise Conflict(_("A library with this name already exists."), field="name")
    parent = library.parent
    if parent is not None:
        if parent.organisation_id != organisation.pk:
            raise ServiceError(_("Choose a library of this organisation."), field="parent")
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == library.pk:
                raise ServiceError(
                    _("A library cannot be a branch of itself or of its branches."),
                    field="parent",
                )
            ancestor = ancestor.parent


@transaction.atomic
def library_create(*, organisation: Organisation, actor: User | None, **fields) -> Library:
    fields.setdefault("timezone", organisation.timezone)
    library = Library(organisation=organisation, **fields)
    _check_library(organisation, library)
    library.full_clean(exclude=["organisation"])
    library.save()
    audit_record(
        action="library.created",
        organisation=organisation,
        actor=actor,
        obj=library,
        changes=diff_fields({}, snapshot(library, LIBRARY_FIELDS)),
    )
    return library


@transaction.atomic
def library_update(*, library: Library, actor: User, **fields) -> Library:
    library = Library.objects.select_for_update().get(pk=library.pk)
    before = snapshot(library, LIBRARY_FIELDS)
    for name, value in fields.items():
        if name not in LIBRARY_FIELDS:
            raise ServiceError(f"Unknown field {name}")
        setattr(library, name, value)
    _check_library(library.organisation, library)
    library.full_clean(exclude=["organisation"])
    library.save()
    audit_changes(
        action="library.changed",
        organisation=library.organisation,
        actor=actor,
        obj=library,
        before=before,
        fields=LIBRARY_FIELDS,
    )
    return library


@transaction.atomic
def library_set_archived(*, library: Library, actor: User, archived: bool) -> Library:
    if archived and library.branches.filter(archived_at__isnull=True).exists():
        raise ServiceError(_("Archive or move its branches first."))
    library.archived_at = timezone.now() if archived else None
    library.save(update_fields=["archived_at"])
    audit_record(
        action="library.archived" if archived else "library.restored",
        organisation=library.organisation,
        actor=actor,
        obj=library,
    )
    return library


# Memberships -----------------------------------------------------------------------------


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organisation=membership.organisation, role=Role.ADMIN, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def _check_libraries(organisation: Organisation, libraries) -> list[Library]:
    libraries = list(libraries or [])
    if any(library.organisation_id != organisation.pk for library in libraries):
        raise ServiceError(_("Choose libraries of this organisation."), field="libraries")
    return libraries


@transaction.atomic
def membership_change(
    *, membership: Membership, actor: User, role: str, libraries=None
) -> Membership:
    if role not in Role.values:
        raise ServiceError(_("Unknown role."), field="role")
    libraries = _check_libraries(membership.organisation, libraries)
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and not _other_active_admins(membership)
    ):
        raise ServiceError(
            _("The organisation must keep at least one administrator."), field="role"
        )
    before = {
        "role": membership.role,
        "libraries": sorted(str(library) for library in membership.libraries.all()),
    }
    membership.role = role
    membership.save(update_fields=["role"])
    membership.libraries.set(libraries)
    after = {"role": role, "libraries": sorted(str(library) for library in libraries)}
    changes = diff_fields(before, after)
    if changes:
        audit_record(
            action="member.role_changed",
            organisation=membership.organisation,
            actor=actor,
            obj=membership,
            changes=changes,
        )
    return membership


@transaction.atomic
def membership_set_active(*, membership: Membership, actor: User, active: bool) -> Membership:
    if membership.is_active == active:
        return membership
    if not active and membership.role == Role.ADMIN and not _other_active_admins(membership):
        raise ServiceError(_("The organisation must keep at least one administrator."))
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    audit_record(
        action="member.reactivated" if active else "member.deactivated",
        organisation=membership.organisation,
        actor=actor,
        obj=membership,
    )
    return membership


# Invitations -----------------------------------------------------------------------------


def invitation_link(raw_token: str) -> str:
    return settings.SITE_URL + reverse("invitation-accept", kwargs={"token": raw_token})


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, actor: User, email: str, role: str, libraries=None
) -> tuple[Invitation, str]:
    email = email.strip().lower()
    if role not in Role.values:
        raise ServiceError(_("Unknown role."), field="role")
    libraries = _check_libraries(organisation, libraries)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise Conflict(_("A member with this e-mail already exists."), field="email")
    pending = Invitation.objects.filter(
        organisation=organisation,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise Conflict(
            _("This address already has an invitation; revoke it to send a new one."),
            field="email",
        )
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_hash(raw),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.libraries.set(libraries)
    audit_record(
        action="invitation.created",
        organisation=organisation,
        actor=actor,
        obj=invitation,
        changes={"role": [None, role]},
    )
    link = invitation_link(raw)
    transaction.on_commit(lambda: _send_invitation(invitation, link))
    return invitation, link


def _send_invitation(invitation: Invitation, link: str) -> None:
    with translation.override("ru"):
        context = {"invitation": invitation, "link": link}
        send_mail(
            subject=_("Invitation to %(organisation)s in Vitrina")
            % {"organisation": invitation.organisation.name},
            message=render_to_string("core/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )


def invitation_find(raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=_hash(raw_token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ServiceError(_("This invitation is no longer valid."), code="invitation_invalid")
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": invitation.role},
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    membership.libraries.set(invitation.libraries.all())
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="member.added",
        organisation=invitation.organisation,
        actor=user,
        obj=membership,
        changes={"role": [None, invitation.role]},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    if invitation.accepted_at is not None:
        raise ServiceError(_("This invitation has already been accepted."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action="invitation.revoked",
        organisation=invitation.organisation,
        actor=actor,
        obj=invitation,
    )
    return invitation


# People ----------------------------------------------------------------------------------


def user_create(
    *, username: str, password: str | None, email: str = "", full_name: str = ""
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("This user name is taken."), field="username")
    user = User(username=username, email=email.strip().lower(), full_name=full_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


USER_FIELDS = ("full_name", "email", "language")


@transaction.atomic
def user_update(*, user: User, **fields) -> User:
    """The person's own details: name, e-mail and the interface language."""
    # Re-read: a bound form may already have written the new values onto the instance.
    user = User.objects.select_for_update().get(pk=user.pk)
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise ServiceError(f"Unknown field {name}")
        setattr(user, name, value)
    if user.language not in dict(settings.LANGUAGES):
        raise ServiceError(_("Choose a language of the interface."), field="language")
    user.save(update_fields=list(fields))
    return user


def user_set_language(*, user: User, language: str) -> User:
    """Keeps the person's choice of language on their account."""
    if language not in dict(settings.LANGUAGES):
        raise ServiceError(_("Choose a language of the interface."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "vt_"


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise ServiceError(_("Give the token a name."), field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[: len(TOKEN_PREFIX) + 6], key_hash=_hash(raw)
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw.strip()), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Writing on every call would serialise API traffic on one row; a minute is precise enough.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
