from datetime import timedelta

import pytest
from django.core import mail

from tests.factories import MembershipFactory, OrganisationFactory
from tests.strategy.health_history import NOW, days_ago, publish, vk
from vitrina.core import periodic
from vitrina.core.models import Notification
from vitrina.core.roles import Role
from vitrina.strategy.health.runs import (
    health_digest_send,
    health_run_save,
    week_of,
    weekly_round,
)
from vitrina.strategy.models import HealthRun, Strategy

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(organisation, admin_membership):
    editor = MembershipFactory(organisation=organisation, role=Role.EDITOR)
    author = MembershipFactory(organisation=organisation, role=Role.AUTHOR)
    return admin_membership, editor, author


def test_the_weekly_job_is_registered_with_its_setting(settings):
    job = periodic.job_get("strategy.health")
    settings.STRATEGY_HEALTH_HOURS = 6
    assert job.interval() == 6 * 3600
    settings.STRATEGY_HEALTH_HOURS = 0
    assert job.interval() == 0
    assert job.once_per_deployment


def test_the_digest_goes_to_administrators_and_editors_once_a_week(
    organisation, library, team, django_capture_on_commit_callbacks
):
    admin, editor, _author = team
    Strategy.objects.create(organisation=organisation)
    OrganisationFactory()  # no strategy: not checked, no digest
    publish(vk(library), days_ago(20))

    def round_at(now):
        with django_capture_on_commit_callbacks(execute=True):
            return weekly_round(periodic.JobContext.once(now=now))

    assert round_at(NOW) == 1
    run = HealthRun.objects.get()
    assert run.week == week_of(organisation, NOW) and run.week.weekday() == 0
    assert run.digest_sent_at == NOW
    assert {check["key"] for check in run.results} == {
        "regularity",
        "rubrics",
        "timing",
        "formats",
        "answers",
        "goals",
        "pages",
    }
    notified = Notification.objects.filter(organisation=organisation)
    assert {n.user_id for n in notified} == {admin.user_id, editor.user_id}
    assert "требуют работы" in notified.first().text
    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin.user.email, editor.user.email])
    body = mail.outbox[0].body
    assert "Регулярность" in body and "Официальные страницы" in body
    assert "/o/cbs/strategy/health/" in body
    # Later runs of the same week refresh the results but send nothing more.
    assert round_at(NOW + timedelta(hours=6)) == 0
    assert round_at(NOW + timedelta(days=2)) == 0
    assert HealthRun.objects.count() == 1 and len(mail.outbox) == 2
    assert HealthRun.objects.get().checked_at == NOW + timedelta(days=2)
    # The next week (Monday, on Moscow's clock) sends the next one.
    monday = NOW + timedelta(days=5)
    assert round_at(monday) == 1
    assert HealthRun.objects.count() == 2 and len(mail.outbox) == 4


def test_a_run_sent_is_never_sent_twice(organisation, team):
    run = health_run_save(organisation=organisation, now=NOW)
    assert health_digest_send(run=run, now=NOW) is True
    assert health_digest_send(run=run, now=NOW) is False
    assert Notification.objects.filter(organisation=organisation).count() == 2
