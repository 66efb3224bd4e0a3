"""Every health check of an organisation's strategy, in the page's order."""

from datetime import datetime

from django.utils import timezone

from vitrina.core.models import Organisation
from vitrina.strategy.health import answers, formats, goals, pages, regularity, rubrics, timing
from vitrina.strategy.health.base import Check, context_load, worst

CHECKS = (regularity, rubrics, timing, formats, answers, goals, pages)


def health_report(*, organisation: Organisation, now: datetime | None = None) -> list[Check]:
    context = context_load(organisation=organisation, now=now or timezone.now())
    return [module.check(context) for module in CHECKS]


def overall(checks: list[Check]) -> str:
    return worst(check.status for check in checks)
