"""Telling people about things that concern them: in Vitrina, and by e-mail if set up."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from vitrina.core.models import Membership, Notification, Organisation, User
from vitrina.core.roles import ROLE_PERMISSIONS


def notify(
    *,
    users: Iterable[User],
    organisation: Organisation,
    text: str,
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(user=user, organisation=organisation, text=text[:500], url=url)
        for user in recipients.values()
    )
    if email and settings.EMAIL_HOST:
        link = settings.SITE_URL + url if url else ""
        messages = [
            (f"Витрина: {organisation.name}", f"{text}\n\n{link}".strip(), None, [user.email])
            for user in recipients.values()
            if user.email
        ]
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return notifications


def members_with(organisation: Organisation, permission: str) -> list[User]:
    """Active members whose role carries the permission (e.g. the editors who approve)."""
    roles = [role for role, permissions in ROLE_PERMISSIONS.items() if permission in permissions]
    return [
        membership.user
        for membership in Membership.objects.filter(
            organisation=organisation, role__in=roles, is_active=True
        ).select_related("user")
    ]


def unread_count(user: User, organisation: Organisation) -> int:
    return Notification.objects.filter(
        user=user, organisation=organisation, read_at__isnull=True
    ).count()
