"""The content plan imported from XLSX or CSV: each row becomes a post or a reported error.

A row is imported whole or not at all; the other rows go on regardless.
"""

import os
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from vitrina.content import selectors
from vitrina.content.importing import cell, columns_of, date_of, split, time_of
from vitrina.content.models import Post
from vitrina.content.services.approval import post_submit
from vitrina.content.services.media import media_upload
from vitrina.content.services.posts import post_create
from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership

MAX_ROWS = 1000


@dataclass
class ImportReport:
    imported: list[tuple[int, Post]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def plan_import(
    *,
    membership: Membership,
    rows: list[list],
    images: dict[str, bytes],
    schedule: bool = False,
) -> ImportReport:
    if not rules.can_write_posts(membership):
        raise ServiceError(_("Your role may not write posts."), code="forbidden")
    rows = [row for row in rows if any(value not in (None, "") for value in row)]
    if not rows:
        raise ServiceError(_("The file is empty."), field="file")
    columns = columns_of(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise ServiceError(_("At most %(count)s rows at once.") % {"count": MAX_ROWS}, field="file")
    organisation = membership.organisation
    channels = list(selectors.postable_channels(membership=membership))
    by_key = {}
    for channel in channels:
        for key in (channel.name, channel.url, str(channel.pk)):
            if key:
                by_key.setdefault(key.casefold().rstrip("/"), channel)
    rubrics = {r.name.casefold(): r for r in selectors.rubric_list(membership=membership)}
    files = {os.path.basename(name).casefold(): data for name, data in images.items()}
    report = ImportReport()
    for number, row in enumerate(rows[1:], start=2):
        try:
            with transaction.atomic():
                post = _import_row(
                    row=row,
                    columns=columns,
                    membership=membership,
                    by_key=by_key,
                    rubrics=rubrics,
                    files=files,
                    schedule=schedule,
                )
        except ServiceError as error:
            report.errors.append((number, error.message))
        else:
            report.imported.append((number, post))
    audit_record(
        action="plan.imported",
        organisation=organisation,
        actor=membership.user,
        changes={"imported": [None, len(report.imported)], "errors": [None, len(report.errors)]},
    )
    return report


def _import_row(*, row, columns, membership, by_key, rubrics, files, schedule) -> Post:
    text = str(cell(row, columns, "text") or "")
    if not text.strip():
        raise ServiceError(_("The text is empty."))
    day = date_of(cell(row, columns, "date"))
    at = time_of(cell(row, columns, "time"))
    names = split(cell(row, columns, "channels"))
    if not names:
        raise ServiceError(_("Name at least one channel."))
    chosen = []
    for name in names:
        channel = by_key.get(name.casefold().rstrip("/"))
        if channel is None:
            raise ServiceError(_("No channel “%(name)s”.") % {"name": name})
        chosen.append(channel)
    rubric = None
    rubric_name = str(cell(row, columns, "rubric") or "")
    if rubric_name:
        rubric = rubrics.get(rubric_name.casefold())
        if rubric is None:
            raise ServiceError(_("No rubric “%(name)s”.") % {"name": rubric_name})
    libraries = {channel.library_id: channel.library for channel in chosen}
    library = next(iter(libraries.values())) if len(libraries) == 1 else None
    zone = library.timezone if library else membership.organisation.timezone
    media = []
    for name in split(cell(row, columns, "images")):
        data = files.get(os.path.basename(name).casefold())
        if data is None:
            raise ServiceError(_("The picture %(name)s was not uploaded.") % {"name": name})
        media.append(
            media_upload(
                organisation=membership.organisation, actor=membership.user, data=data, name=name
            )
        )
    post = post_create(
        organisation=membership.organisation,
        actor=membership.user,
        channels=chosen,
        media=media,
        source=Post.Source.IMPORT,
        library=library,
        rubric=rubric,
        text=text,
        scheduled_at=datetime.combine(day, at, tzinfo=ZoneInfo(zone)),
    )
    if schedule:
        post_submit(post=post, actor=membership.user, membership=membership)
    return post
