"""``vitrina readers``: reader services from the command line.

    vitrina readers harvest --connection 3 [--query '{"title": "Хирургия"}']

``harvest`` loads the catalogue through a stored library-system connection (Koha or
IRBIS64), as «Загрузить каталог» on the connections page does.
"""

from django.core.management.base import BaseCommand, CommandError

from vitrina.core.exceptions import ServiceError
from vitrina.readers.models import IlsConnection
from vitrina.readers.services.connections import connection_harvest


class Command(BaseCommand):
    help = "Reader services: load the catalogue through a stored library-system connection."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        harvest = sub.add_parser("harvest", help="Load the catalogue through a connection.")
        harvest.add_argument("--connection", type=int, required=True, help="the connection's id")
        harvest.add_argument(
            "--query", default="", help='Koha: a JSON filter; IRBIS64: a search like "A=$"'
        )

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(options)

    def _harvest(self, options):
        connection = (
            IlsConnection.objects.select_related("organisation")
            .filter(pk=options["connection"])
            .first()
        )
        if connection is None:
            raise CommandError(f"No connection {options['connection']}.")
        try:
            run = connection_harvest(connection=connection, actor=None, query=options["query"])
        except ServiceError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"{connection.organisation.slug} / {connection.name}: {run.total} read, "
            f"{run.created} added, {run.updated} updated, {run.failed} not read"
        )
