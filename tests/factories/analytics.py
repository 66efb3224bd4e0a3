from datetime import date, timedelta

import factory

from tests.factories.channels import ChannelFactory
from tests.factories.core import OrganisationFactory
from vitrina.analytics.models import AccountSnapshot, Report


class AccountSnapshotFactory(factory.django.DjangoModelFactory):
    """One channel's figures on one day, as a collection round stores them.

    Figures written this way bypass the services: a test of the dashboard or the report that
    reads the organisation's days sums them again (``rollup``) first."""

    class Meta:
        model = AccountSnapshot

    channel = factory.SubFactory(ChannelFactory)
    day = factory.Sequence(lambda n: date(2020, 1, 1) + timedelta(days=n))
    followers = 1000


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Отчёт {n}")
    date_from = date(2020, 1, 1)
    date_to = date(2020, 12, 31)
