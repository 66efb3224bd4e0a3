"""Covers of catalogue records, downloaded and kept with the record."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from vitrina.catalog.covers import CoverError, fetch_cover
from vitrina.catalog.models import Record
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import User


@transaction.atomic
def record_cover_fetch(*, record: Record, actor: User | None, url: str = "") -> Record:
    """Download the cover from ``url`` (or the record's link) and keep it with the record."""
    try:
        cover = fetch_cover(
            url or record.url,
            max_bytes=settings.CATALOG_COVER_MAX_BYTES,
            allow_private=settings.CATALOG_COVER_ALLOW_PRIVATE,
        )
    except CoverError as error:
        raise ServiceError(
            _("The cover could not be taken: %(reason)s") % {"reason": error}, field="url"
        ) from error
    if record.cover:
        record.cover.delete(save=False)
    record.cover.save(f"{record.pk}.{cover.extension}", ContentFile(cover.content), save=False)
    record.cover_type = cover.content_type
    record.save(update_fields=["cover", "cover_type", "updated_at"])
    audit_record(
        action="catalogue.cover_fetched",
        organisation=record.organisation,
        actor=actor,
        obj=record,
        changes={"cover": url or record.url},
    )
    return record
