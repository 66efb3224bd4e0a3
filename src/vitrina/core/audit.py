"""The audit log: who did what, when, and what changed.

Every service that changes something a colleague may ask about later calls
``audit_record`` inside its transaction, so the entry exists exactly when the change does.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.functional import Promise

from vitrina.core.models import AuditEntry, Organisation, User


def _plain(value: Any) -> Any:
    if isinstance(value, (models.Model, Promise)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    return value


def diff_fields(
    before: dict[str, Any], after: dict[str, Any], *, secret: Iterable[str] = ()
) -> dict[str, list[Any]]:
    """Changed fields as ``{field: [old, new]}``; secret fields only say that they changed."""
    hidden = set(secret)
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old != new:
            changes[name] = ["•••", "•••"] if name in hidden else [old, new]
    return changes


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def audit_record(
    *,
    action: str,
    organisation: Organisation | None,
    actor: User | None,
    obj: models.Model | None = None,
    changes: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes={name: _plain(value) for name, value in (changes or {}).items()},
        ip_address=ip_address,
    )


def audit_changes(
    *,
    action: str,
    organisation: Organisation | None,
    actor: User | None,
    obj: models.Model,
    before: dict[str, Any],
    fields: Iterable[str],
) -> AuditEntry | None:
    """Record what changed on ``obj`` since ``before`` was taken; nothing if nothing did."""
    changes = diff_fields(before, snapshot(obj, fields))
    if not changes:
        return None
    return audit_record(
        action=action, organisation=organisation, actor=actor, obj=obj, changes=changes
    )
