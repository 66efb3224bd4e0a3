"""Period reports: their title, days, scope and the wording people add."""

from datetime import date

from django.db import transaction

from vitrina.analytics.models import Report
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Library, Organisation, User


@transaction.atomic
def report_save(
    *,
    organisation: Organisation,
    actor: User | None,
    title: str,
    date_from: date,
    date_to: date,
    library: Library | None = None,
    conclusions: str = "",
    growth_since: date | None = None,
    tag=None,
    signer_position: str = "",
    signer_name: str = "",
    report: Report | None = None,
) -> Report:
    if date_from > date_to:
        raise ServiceError("Начало периода позже его конца.")
    if growth_since is not None and growth_since > date_to:
        raise ServiceError(
            "Рост подписчиков нельзя считать с даты позже конца периода.", field="growth_since"
        )
    if library is not None and library.organisation_id != organisation.id:
        raise ServiceError("Библиотека из другой организации.")
    created = report is None
    report = report or Report(organisation=organisation)
    report.title, report.date_from, report.date_to = title, date_from, date_to
    report.library, report.conclusions = library, conclusions
    report.growth_since = growth_since
    report.signer_position, report.signer_name = signer_position.strip(), signer_name.strip()
    if tag is not None and tag.organisation_id != organisation.id:
        raise ServiceError("Метка из другой организации.")
    report.tag = tag
    report.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="analytics.report_created" if created else "analytics.report_updated",
        obj=report,
    )
    return report


@transaction.atomic
def report_wording_save(
    *,
    report: Report,
    actor: User | None,
    conclusions: str,
    signer_position: str = "",
    signer_name: str = "",
) -> Report:
    """The library's own words on a report (its conclusions and who signs it), edited on the
    report's page beside the figures."""
    report.conclusions = conclusions
    report.signer_position, report.signer_name = signer_position.strip(), signer_name.strip()
    report.save(update_fields=["conclusions", "signer_position", "signer_name", "updated_at"])
    audit_record(
        organisation=report.organisation,
        actor=actor,
        action="analytics.report_updated",
        obj=report,
    )
    return report
