"""``vitrina rebuild_organisation_figures``: sum the organisations' figures by day again.

Vitrina keeps these sums itself on every change; this is for figures that reached the
database another way (a restored dump, a bulk load by hand).
"""

from django.core.management.base import BaseCommand

from vitrina.analytics.rollup import organisation_figures_rebuild
from vitrina.core.models import Organisation


class Command(BaseCommand):
    help = "Sum every organisation's account and post figures by day again."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Only this organisation (its slug).")

    def handle(self, *args, organisation=None, **options):
        organisations = Organisation.objects.order_by("pk")
        if organisation:
            organisations = organisations.filter(slug=organisation)
        for item in organisations:
            organisation_figures_rebuild(item.pk)
            self.stdout.write(f"{item.slug}: done")
