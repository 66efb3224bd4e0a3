"""The weekly run: every organisation's checks stored for the week, and the digest sent
to its administrators and editors once a week (in Vitrina and by e-mail)."""

import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from vitrina.core import notifications
from vitrina.core.models import Organisation
from vitrina.core.periodic import JobContext
from vitrina.core.roles import Permission
from vitrina.strategy.health.base import BAD, GOOD, STATUS_LABELS
from vitrina.strategy.health.report import health_report
from vitrina.strategy.models import HealthRun, Strategy


def week_of(organisation: Organisation, now: datetime) -> date:
    """The Monday of ``now``'s week on the organisation's clock."""
    try:
        zone = zoneinfo.ZoneInfo(organisation.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Europe/Moscow")
    day = now.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def health_run_save(*, organisation: Organisation, now: datetime | None = None) -> HealthRun:
    """Check the organisation now and keep the results as its week's, worded in Russian
    (the digest and the page show them as stored)."""
    now = now or timezone.now()
    with translation.override("ru"):
        checks = health_report(organisation=organisation, now=now)
        results = [check.as_dict() for check in checks]
    with transaction.atomic():
        run, _created = HealthRun.objects.update_or_create(
            organisation=organisation,
            week=week_of(organisation, now),
            defaults={"checked_at": now, "results": results},
        )
    return run


def digest_text(run: HealthRun) -> str:
    """The digest in Russian: the verdict of each check and what to do first."""
    with translation.override("ru"):
        lines = [f"Здоровье страниц «{run.organisation.name}» за неделю с {run.week:%d.%m.%Y}."]
        for check in run.results:
            label = STATUS_LABELS.get(check["status"], "")
            lines.append(f"\n{check['title']}: {label}.")
            for row in check["rows"]:
                if row["status"] == GOOD:
                    continue
                line = f"— {row['subject']}: {row['text']}"
                if row["advice"]:
                    line += f" {row['advice']}"
                lines.append(line)
        return "\n".join(lines)


def health_digest_send(*, run: HealthRun, now: datetime | None = None) -> bool:
    """Send the week's digest unless it was sent; True when this call sent it."""
    now = now or timezone.now()
    with transaction.atomic():
        taken = HealthRun.objects.filter(pk=run.pk, digest_sent_at__isnull=True).update(
            digest_sent_at=now
        )
        if not taken:
            return False
        organisation = run.organisation
        users = notifications.members_with(organisation, Permission.PUBLISH)
        url = reverse("strategy:health", kwargs={"org": organisation.slug})
        statuses = [check["status"] for check in run.results]
        with translation.override("ru"):
            bad = sum(1 for status in statuses if status == BAD)
            headline = (
                f"Проверка стратегии за неделю: {bad} из {len(statuses)} проверок требуют работы."
                if bad
                else "Проверка стратегии за неделю: серьёзных замечаний нет."
            )
        notifications.notify(
            users=users, organisation=organisation, text=headline, url=url, email=False
        )
        body = digest_text(run) + f"\n\n{settings.SITE_URL}{url}"
        mails = [
            (f"Витрина: {organisation.name} — здоровье страниц", body, None, [user.email])
            for user in users
            if user.is_active and user.email
        ]
        if mails:
            transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return True


def weekly_round(context: JobContext) -> int:
    """The periodic job: check every organisation with a strategy, send each week's
    digest once."""
    sent = 0
    # Organisations that keep a strategy; the others have nothing to hold the pages to.
    organisations = Organisation.objects.filter(
        pk__in=Strategy.objects.filter(library__isnull=True).values("organisation")
    ).order_by("pk")
    for organisation in organisations:
        if context.stopping.is_set():
            break
        run = health_run_save(organisation=organisation, now=context.now)
        sent += health_digest_send(run=run, now=context.now)
    return sent
