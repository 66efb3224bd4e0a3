"""Writes of the media library: uploading pictures and describing them."""

import os

from django.core.files.base import ContentFile
from django.db import transaction

from vitrina.content import images
from vitrina.content.models import MediaAsset
from vitrina.core.audit import audit_record
from vitrina.core.models import Organisation, User


@transaction.atomic
def media_upload(
    *, organisation: Organisation, actor: User | None, data: bytes, name: str, alt_text: str = ""
) -> MediaAsset:
    """Adds a picture to the organisation's library; the same picture twice is kept once."""
    converted = images.convert_image(data, name=name)
    existing = MediaAsset.objects.filter(organisation=organisation, sha256=converted.sha256).first()
    if existing is not None:
        return existing
    base = os.path.splitext(os.path.basename(name))[0][:80] or "image"
    asset = MediaAsset(
        organisation=organisation,
        original_name=os.path.basename(name)[:255] or base,
        content_type=converted.content_type,
        width=converted.width,
        height=converted.height,
        size=len(converted.content),
        sha256=converted.sha256,
        alt_text=alt_text[:500],
        uploaded_by=actor,
    )
    asset.file.save(f"{base}.{converted.extension}", ContentFile(converted.content), save=False)
    asset.save()
    audit_record(action="media.uploaded", organisation=organisation, actor=actor, obj=asset)
    return asset


@transaction.atomic
def media_describe(*, asset: MediaAsset, actor: User | None, alt_text: str) -> MediaAsset:
    before = asset.alt_text
    asset.alt_text = (alt_text or "").strip()[:500]
    asset.save(update_fields=["alt_text"])
    if before != asset.alt_text:
        audit_record(
            action="media.described",
            organisation=asset.organisation,
            actor=actor,
            obj=asset,
            changes={"alt_text": [before, asset.alt_text]},
        )
    return asset
