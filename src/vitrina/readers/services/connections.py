"""Library-system connections: stored, checked, archived, and harvested for the catalogue.

The one secret (Koha's password or OAuth2 client secret, IRBIS64's password) is encrypted
at rest (``core.crypto``), given once and never shown back: an empty field on editing keeps
the stored one.
"""

import json
import logging
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.catalog.connectors.circulation import IlsError
from vitrina.catalog.connectors.irbis import IrbisClient, IrbisError, irbis_entries
from vitrina.catalog.connectors.koha import KohaClient, KohaError, koha_entries
from vitrina.catalog.models import ImportRun, Source
from vitrina.catalog.services.harvests import record_harvest
from vitrina.core import crypto
from vitrina.core.audit import audit_record, diff_fields, snapshot
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Library, Organisation, User
from vitrina.readers.circulation import circulation_for
from vitrina.readers.models import IlsConnection, IlsKind

logger = logging.getLogger(__name__)

FIELDS = (
    "name",
    "library",
    "kind",
    "base_url",
    "host",
    "port",
    "auth",
    "username",
    "readers_database",
    "catalogue_database",
    "second_factor",
)
DEFAULT_QUERY = {IlsKind.KOHA: "{}", IlsKind.IRBIS: '"A=$"'}


def _validate(connection: IlsConnection, *, secret_given: bool) -> None:
    if not connection.name.strip():
        raise ServiceError(_("Name the connection."), field="name")
    if connection.kind not in IlsKind.values:
        raise ServiceError(_("Choose the library system."), field="kind")
    has_secret = secret_given or bool(connection.secret_ciphertext)
    if connection.kind == IlsKind.KOHA:
        parts = urlsplit(connection.base_url.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ServiceError(
                _("Enter the Koha server's address, e.g. https://koha.library.ru."),
                field="base_url",
            )
        if not connection.username.strip():
            raise ServiceError(_("Enter the login or the client id."), field="username")
        if not has_secret:
            raise ServiceError(_("Enter the password or the client secret."), field="secret")
    elif connection.kind == IlsKind.IRBIS:
        if not connection.host.strip():
            raise ServiceError(_("Enter the IRBIS64 server's address."), field="host")
        if not connection.port or not 0 < connection.port < 65536:
            raise ServiceError(_("Enter a port from 1 to 65535."), field="port")
        if not connection.username.strip():
            raise ServiceError(_("Enter the IRBIS64 login."), field="username")
        if not has_secret:
            raise ServiceError(_("Enter the IRBIS64 password."), field="secret")
        for field in ("readers_database", "catalogue_database"):
            if not getattr(connection, field).strip():
                raise ServiceError(_("Enter the database's name."), field=field)
    if connection.kind != IlsKind.KOHA and connection.second_factor not in (
        IlsConnection.SecondFactor.values
    ):
        raise ServiceError(_("Choose what a reader gives beside the card."), field="second_factor")


def _check_library(organisation: Organisation, library: Library | None) -> None:
    if library is not None and library.organisation_id != organisation.pk:
        raise ServiceError(_("Choose from this organisation."), field="library")


@transaction.atomic
def connection_create(
    *, organisation: Organisation, actor: User | None, secret: str = "", **fields
) -> IlsConnection:
    _check_library(organisation, fields.get("library"))
    connection = IlsConnection(organisation=organisation)
    for name, value in fields.items():
        if name not in FIELDS:
            raise ServiceError(f"Unknown field: {name}")
        setattr(connection, name, value.strip() if isinstance(value, str) else value)
    _validate(connection, secret_given=bool(secret.strip()))
    if secret.strip():
        connection.secret_ciphertext = crypto.encrypt(secret.strip())
    connection.save()
    audit_record(
        action="ils_connection.created",
        organisation=organisation,
        actor=actor,
        obj=connection,
        changes={"kind": connection.kind, "library": connection.library},
    )
    return connection


@transaction.atomic
def connection_update(
    *, connection: IlsConnection, actor: User | None, secret: str = "", **fields
) -> IlsConnection:
    _check_library(connection.organisation, fields.get("library"))
    before = snapshot(connection, FIELDS)
    for name, value in fields.items():
        if name not in FIELDS:
            raise ServiceError(f"Unknown field: {name}")
        setattr(connection, name, value.strip() if isinstance(value, str) else value)
    _validate(connection, secret_given=bool(secret.strip()))
    changes = diff_fields(before, snapshot(connection, FIELDS))
    if secret.strip():
        connection.secret_ciphertext = crypto.encrypt(secret.strip())
        changes["secret"] = ["•••", "•••"]
    if changes:
        # What it was checked with has changed: check it again.
        connection.state = IlsConnection.State.UNCHECKED
        connection.check_problems = []
    connection.save()
    if changes:
        audit_record(
            action="ils_connection.changed",
            organisation=connection.organisation,
            actor=actor,
            obj=connection,
            changes=changes,
        )
    return connection


@transaction.atomic
def connection_archive(*, connection: IlsConnection, actor: User | None) -> IlsConnection:
    if connection.archived_at is None:
        connection.archived_at = timezone.now()
        connection.save(update_fields=["archived_at", "updated_at"])
        audit_record(
            action="ils_connection.archived",
            organisation=connection.organisation,
            actor=actor,
            obj=connection,
        )
    return connection


def connection_check(*, connection: IlsConnection, actor: User | None) -> IlsConnection:
    """«Проверить подключение»: ask the system now; the state, the moment and the problems
    are stored and shown as they are."""
    try:
        circulation = circulation_for(connection)
    except (IlsError, crypto.SecretUnreadable) as error:
        problems = [_message(error)]
    else:
        try:
            problems = list(circulation.check())
        except IlsError as error:
            problems = [error.message]
        finally:
            circulation.close()
    with transaction.atomic():
        connection.state = IlsConnection.State.FAILED if problems else IlsConnection.State.OK
        connection.checked_at = timezone.now()
        connection.check_problems = [str(problem)[:500] for problem in problems]
        connection.save(update_fields=["state", "checked_at", "check_problems", "updated_at"])
        audit_record(
            action="ils_connection.checked",
            organisation=connection.organisation,
            actor=actor,
            obj=connection,
            changes={"state": connection.state},
        )
    return connection


def _message(error: Exception) -> str:
    if isinstance(error, crypto.SecretUnreadable):
        return _(
            "The stored password cannot be read with the current encryption key: enter it again."
        )
    return getattr(error, "message", "") or str(error)


def _secret(connection: IlsConnection) -> str:
    if not connection.secret_ciphertext:
        return ""
    return crypto.decrypt(connection.secret_ciphertext)


def connection_harvest(
    *, connection: IlsConnection, actor: User | None, query: str = ""
) -> ImportRun:
    """«Загрузить каталог»: the catalogue's records read through the stored connection,
    stored by the catalogue's own harvest (records read before are updated)."""
    if connection.archived_at is not None:
        raise ServiceError(_("The connection is archived."))
    query = (query or "").strip() or DEFAULT_QUERY.get(connection.kind, "")
    try:
        secret = _secret(connection)
    except crypto.SecretUnreadable as error:
        raise ServiceError(_message(error), field="secret") from error
    try:
        if connection.kind == IlsKind.KOHA:
            return _harvest_koha(connection, actor, query, secret)
        if connection.kind == IlsKind.IRBIS:
            return _harvest_irbis(connection, actor, query, secret)
    except (KohaError, IrbisError, OSError) as error:
        logger.warning("harvest of connection %s failed: %s", connection.pk, error)
        raise ServiceError(
            _("The library system did not give its catalogue: %(error)s") % {"error": error}
        ) from error
    raise ServiceError(_("A file of loans holds no catalogue: import the catalogue as a file."))


def _harvest_koha(connection, actor, query, secret):
    try:
        filters = json.loads(query)
    except ValueError as error:
        raise ServiceError(
            _('Koha\'s search is a JSON filter, e.g. {"title": "Хирургия"}.'),
            field="query",
        ) from error
    if not isinstance(filters, dict):
        raise ServiceError(_("Koha's search is a JSON object."), field="query")
    if connection.auth == IlsConnection.Auth.OAUTH2:
        credentials = {"client_id": connection.username, "client_secret": secret}
    else:
        credentials = {"username": connection.username, "password": secret}
    client = KohaClient(connection.base_url, **credentials)
    try:
        return record_harvest(
            organisation=connection.organisation,
            actor=actor,
            source=Source.KOHA,
            label=f"Koha {connection.name}",
            entries=koha_entries(client, filters),
        )
    finally:
        client.close()


def _harvest_irbis(connection, actor, query, secret):
    with IrbisClient(
        connection.host,
        connection.port,
        username=connection.username,
        password=secret,
        database=connection.catalogue_database,
    ) as client:
        return record_harvest(
            organisation=connection.organisation,
            actor=actor,
            source=Source.IRBIS,
            label=f"IRBIS {connection.name} {connection.catalogue_database} {query}",
            entries=irbis_entries(client, query),
        )
