"""The organisation's own names of CSV and XLSX columns, kept for its imports."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from vitrina.catalog import tabular
from vitrina.catalog.models import ColumnMapping
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Organisation, User


@transaction.atomic
def column_mapping_save(
    *, organisation: Organisation, actor: User | None, columns: dict[str, list[str]]
) -> ColumnMapping:
    """Keep the organisation's own names of CSV/XLSX columns for later imports."""
    unknown = set(columns) - set(tabular.COLUMNS)
    if unknown:
        raise ServiceError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    cleaned = {
        key: sorted({tabular.header_name(name) for name in names if tabular.header_name(name)})
        for key, names in columns.items()
    }
    cleaned = {key: names for key, names in cleaned.items() if names}
    taken: dict[str, str] = {}
    for key, names in cleaned.items():
        for name in names:
            if name in taken:
                raise ServiceError(
                    _("The column “%(name)s” is given for two fields.") % {"name": name},
                    field=key,
                )
            taken[name] = key
    mapping, _created = ColumnMapping.objects.get_or_create(organisation=organisation)
    before = mapping.columns
    mapping.columns = cleaned
    mapping.save()
    audit_record(
        action="catalogue.columns_changed",
        organisation=organisation,
        actor=actor,
        obj=mapping,
        changes={"columns": [before, cleaned]},
    )
    return mapping
