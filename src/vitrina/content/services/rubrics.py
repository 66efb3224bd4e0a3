"""Writes of rubrics, series and tags."""

from django.db import transaction
from django.utils.translation import gettext as _

from vitrina.content.models import Rubric, Series, Tag
from vitrina.core.audit import audit_changes, snapshot
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Organisation, User

RUBRIC_FIELDS = ("name", "colour", "target_per_week", "description", "utm_campaign")
SERIES_FIELDS = ("name", "rubric", "starts_on", "ends_on", "description")


def _check_name(model, organisation, name, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Enter the name."), field="name")
    # Compared in Python: SQLite folds the case of Latin letters only.
    others = model.objects.filter(organisation=organisation).exclude(pk=exclude_pk)
    if any(other.casefold() == name.casefold() for other in others.values_list("name", flat=True)):
        raise Conflict(_("“%(name)s” already exists.") % {"name": name}, field="name")
    return name


@transaction.atomic
def rubric_save(
    *, organisation: Organisation, actor: User | None, rubric: Rubric | None = None, **fields
) -> Rubric:
    creating = rubric is None
    rubric = rubric or Rubric(organisation=organisation)
    before = {} if creating else snapshot(rubric, RUBRIC_FIELDS)
    for name, value in fields.items():
        if name not in RUBRIC_FIELDS:
            raise ServiceError(f"Unknown field: {name}")
        setattr(rubric, name, value)
    rubric.name = _check_name(Rubric, organisation, rubric.name, rubric.pk)
    colour = (rubric.colour or "").strip().lower()
    if len(colour) != 7 or not colour.startswith("#"):
        raise ServiceError(_("Choose a colour such as #1f5f8b."), field="colour")
    rubric.colour = colour
    rubric.save()
    audit_changes(
        action="rubric.created" if creating else "rubric.changed",
        organisation=organisation,
        actor=actor,
        obj=rubric,
        before=before,
        fields=RUBRIC_FIELDS,
    )
    return rubric


@transaction.atomic
def series_save(
    *, organisation: Organisation, actor: User | None, series: Series | None = None, **fields
) -> Series:
    creating = series is None
    series = series or Series(organisation=organisation)
    before = {} if creating else snapshot(series, SERIES_FIELDS)
    for name, value in fields.items():
        if name not in SERIES_FIELDS:
            raise ServiceError(f"Unknown field: {name}")
        setattr(series, name, value)
    series.name = _check_name(Series, organisation, series.name, series.pk)
    if series.rubric_id and series.rubric.organisation_id != organisation.pk:
        raise ServiceError(_("Choose a rubric of this organisation."), field="rubric")
    if series.starts_on and series.ends_on and series.ends_on < series.starts_on:
        raise ServiceError(_("The end comes before the start."), field="ends_on")
    series.save()
    audit_changes(
        action="series.created" if creating else "series.changed",
        organisation=organisation,
        actor=actor,
        obj=series,
        before=before,
        fields=SERIES_FIELDS,
    )
    return series


def tags_from_names(*, organisation: Organisation, names: list[str]) -> list[Tag]:
    tags = []
    known = {tag.name.casefold(): tag for tag in Tag.objects.filter(organisation=organisation)}
    for raw in names:
        name = raw.strip().lstrip("#").strip()[:60]
        if not name:
            continue
        tag = known.get(name.casefold())
        if tag is None:
            tag = known[name.casefold()] = Tag.objects.create(organisation=organisation, name=name)
        if tag not in tags:
            tags.append(tag)
    return tags
