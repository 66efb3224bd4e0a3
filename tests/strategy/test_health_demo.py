from datetime import timedelta

import pytest
from django.urls import reverse

from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.models import Notification, Organisation
from vitrina.demo.build import build_demo
from vitrina.strategy.models import HealthRun

pytestmark = pytest.mark.django_db


def test_the_demo_checks_its_real_posting_history_and_sends_the_digest(settings, client):
    settings.DEMO_MODE = True
    context = build_demo()
    for slug in ("knmb", "mednogorsk"):
        organisation = Organisation.objects.get(slug=slug)
        run = HealthRun.objects.get(organisation=organisation)
        assert run.digest_sent_at is not None
        assert Notification.objects.filter(
            organisation=organisation, url__endswith="/strategy/health/"
        ).exists()
        checks = {check["key"]: check for check in run.results}
        counted = sum(row["figures"]["posts"] for row in checks["regularity"]["rows"])
        published = Variant.objects.filter(
            post__organisation=organisation,
            state=VariantState.PUBLISHED,
            published_at__gte=run.checked_at - timedelta(days=28),
            channel__archived_at__isnull=True,
        ).count()
        assert counted == published
        assert checks["goals"]["rows"]  # the seeds' goals
    client.force_login(context["users"]["demo"])
    page = client.get(reverse("strategy:health", kwargs={"org": "knmb"}))
    assert page.status_code == 200 and 'id="check-pages"' in page.content.decode()
