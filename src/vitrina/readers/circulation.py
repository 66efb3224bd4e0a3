"""The one factory of library-system connectors: a stored connection to a ``Circulation``.

Every part of reader services asks ``circulation_for(connection)`` and never which system
a library runs. The stored secret is decrypted here and handed to the connector only;
dates are the library's own (its zone, else the organisation's).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from vitrina.catalog.connectors.circulation import Circulation, IlsError
from vitrina.catalog.connectors.irbis import DEFAULT_PORT, IrbisCirculation
from vitrina.core import crypto
from vitrina.readers.file_circulation import FileCirculation
from vitrina.readers.models import IlsConnection, IlsKind

TIMEOUT = 10.0


def connection_zone(connection: IlsConnection) -> str:
    library = connection.library
    if library is not None and library.timezone:
        return library.timezone
    return connection.organisation.timezone or "Europe/Moscow"


def _secret(connection: IlsConnection) -> str:
    if not connection.secret_ciphertext:
        return ""
    try:
        return crypto.decrypt(connection.secret_ciphertext)
    except crypto.SecretUnreadable:
        raise IlsError(
            "refused",
            _("The stored password cannot be decrypted: enter it again."),
        ) from None


def circulation_for(connection: IlsConnection) -> Circulation:
    """The connector of the connection's library system."""
    if connection.kind == IlsKind.FILE:
        return FileCirculation(connection)
    zone = connection_zone(connection)
    if connection.kind == IlsKind.KOHA:
        from vitrina.catalog.connectors.koha import KohaCirculation

        return KohaCirculation(
            connection.base_url,
            auth=connection.auth or IlsConnection.Auth.BASIC,
            username=connection.username,
            secret=_secret(connection),
            zone=zone,
            timeout=TIMEOUT,
        )
    if connection.kind == IlsKind.IRBIS:
        return IrbisCirculation(
            connection.host,
            connection.port or DEFAULT_PORT,
            username=connection.username,
            secret=_secret(connection),
            readers_database=connection.readers_database or "RDR",
            catalogue_database=connection.catalogue_database or "IBIS",
            second_factor=connection.second_factor or IlsConnection.SecondFactor.SURNAME,
            zone=zone,
            timeout=TIMEOUT,
        )
    raise ValueError(f"unknown library system {connection.kind!r}")
