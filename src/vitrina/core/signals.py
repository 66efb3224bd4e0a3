"""Sign-ins and sign-outs go to the audit log of every organisation the person belongs to."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from vitrina.core.audit import audit_record
from vitrina.core.client_address import client_address
from vitrina.core.models import Membership


def client_ip(request) -> str | None:
    if request is None:
        return None
    return client_address(request)


def _record_for_memberships(action: str, request, user) -> None:
    ip_address = client_ip(request)
    for membership in Membership.objects.filter(user=user, is_active=True).select_related(
        "organisation"
    ):
        audit_record(
            action=action,
            organisation=membership.organisation,
            actor=user,
            obj=user,
            ip_address=ip_address,
        )


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    _record_for_memberships("auth.signed_in", request, user)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        _record_for_memberships("auth.signed_out", request, user)
