"""``vitrina catalogue``: import files and harvest library systems from the command line.

    vitrina catalogue import --org knmb export.iso [--encoding cp1251] [--flavour rusmarc]
    vitrina catalogue irbis --org knmb --host 10.0.0.5 --user librarian --query '"A=$"'
    vitrina catalogue sru --org knmb --url https://koha.example/biblios --query 'dc.title=медицина'
    vitrina catalogue koha --org knmb --url https://koha.example --user api --query '{}'

Passwords and client secrets are read from VITRINA_CATALOG_SOURCE_PASSWORD when set, or
asked for, so they do not appear in the process list.
"""

import getpass
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vitrina.catalog.connectors.irbis import DEFAULT_PORT, IrbisClient, IrbisError, irbis_entries
from vitrina.catalog.connectors.koha import KohaClient, KohaError, koha_entries
from vitrina.catalog.connectors.sru import SruClient, SruError, sru_entries
from vitrina.catalog.marc import ENCODINGS, FLAVOURS
from vitrina.catalog.models import Source
from vitrina.catalog.services import harvests as harvest_services
from vitrina.catalog.services import imports as import_services
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Organisation

PASSWORD_VARIABLE = "VITRINA_CATALOG_SOURCE_PASSWORD"


class Command(BaseCommand):
    help = "Import a catalogue file, or harvest records from IRBIS64, SRU or Koha."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        file = sub.add_parser("import", help="Import a MARC, MARCXML, CSV or XLSX file.")
        file.add_argument("path")
        file.add_argument("--encoding", choices=ENCODINGS)
        file.add_argument("--flavour", choices=FLAVOURS)
        irbis = sub.add_parser("irbis", help="Records found by an IRBIS64 search.")
        irbis.add_argument("--host", required=True)
        irbis.add_argument("--port", type=int, default=DEFAULT_PORT)
        irbis.add_argument("--user", required=True)
        irbis.add_argument("--database", default="IBIS")
        irbis.add_argument("--query", default='"A=$"', help='IRBIS search, e.g. "A=ПУШКИН$"')
        sru = sub.add_parser("sru", help="Records found by an SRU searchRetrieve query.")
        sru.add_argument("--url", required=True)
        sru.add_argument("--query", required=True)
        sru.add_argument("--limit", type=int)
        koha = sub.add_parser("koha", help="Biblios found through Koha's REST API.")
        koha.add_argument("--url", required=True)
        koha.add_argument("--user", default="", help="for HTTP Basic")
        koha.add_argument("--client-id", default="", help="for OAuth2 client credentials")
        koha.add_argument("--query", default="{}", help="Koha's q= JSON filter")
        for subparser in (file, irbis, sru, koha):
            subparser.add_argument("--org", required=True, help="the organisation's short name")

    def _secret(self, prompt: str) -> str:
        return os.environ.get(PASSWORD_VARIABLE) or getpass.getpass(prompt)

    def handle(self, *args, action, org, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation {org!r}.")
        try:
            run = getattr(self, f"_{action}")(organisation, options)
        except (ServiceError, IrbisError, SruError, KohaError, OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{run.filename}: {run.total} read, {run.created} added, {run.updated} updated, "
            f"{run.failed} not read"
        )
        for error in run.errors[:20]:
            self.stdout.write(
                f"  record {error['number']} at byte {error['offset']}: {error['reason']}"
            )

    def _import(self, organisation, options):
        path = Path(options["path"])
        return import_services.record_import(
            organisation=organisation,
            actor=None,
            filename=path.name,
            data=path.read_bytes(),
            encoding=options["encoding"],
            flavour=options["flavour"],
        )

    def _irbis(self, organisation, options):
        with IrbisClient(
            options["host"],
            options["port"],
            username=options["user"],
            password=self._secret("IRBIS password: "),
            database=options["database"],
        ) as client:
            return harvest_services.record_harvest(
                organisation=organisation,
                actor=None,
                source=Source.IRBIS,
                label=f"IRBIS {options['host']} {options['database']} {options['query']}",
                entries=irbis_entries(client, options["query"]),
            )

    def _sru(self, organisation, options):
        client = SruClient(options["url"])
        try:
            return harvest_services.record_harvest(
                organisation=organisation,
                actor=None,
                source=Source.SRU,
                label=f"SRU {options['url']} {options['query']}",
                entries=sru_entries(client, options["query"], limit=options["limit"]),
            )
        finally:
            client.close()

    def _koha(self, organisation, options):
        if options["client_id"]:
            credentials = {
                "client_id": options["client_id"],
                "client_secret": self._secret("OAuth2 client secret: "),
            }
        elif options["user"]:
            credentials = {"username": options["user"], "password": self._secret("Password: ")}
        else:
            credentials = {}
        client = KohaClient(options["url"], **credentials)
        try:
            return harvest_services.record_harvest(
                organisation=organisation,
                actor=None,
                source=Source.KOHA,
                label=f"Koha {options['url']}",
                entries=koha_entries(client, json.loads(options["query"])),
            )
        finally:
            client.close()
