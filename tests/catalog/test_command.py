import io

import pytest
from django.core.management import CommandError, call_command

from vitrina.catalog.models import Record, Source

from .irbis_server import IrbisDatabase, IrbisServer
from .marcdata import iso2709, rusmarc_record
from .test_irbis import medical_books

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("catalogue", *args, stdout=out)
    return out.getvalue()


def test_import_a_file(organisation, tmp_path):
    path = tmp_path / "export.iso"
    good = iso2709(rusmarc_record(1, "Хирургия сердца", "Бакулев", "А. Н."), "cp866")
    path.write_bytes(good + b"xx" + good[2:])
    output = run("import", str(path), "--org", organisation.slug, "--encoding", "cp866")
    assert "export.iso: 2 read, 1 added, 0 updated, 1 not read" in output
    assert "record 2 at byte" in output
    assert Record.objects.get().title == "Хирургия сердца"


def test_harvest_irbis_with_the_password_from_the_environment(organisation, monkeypatch):
    monkeypatch.setenv("VITRINA_CATALOG_SOURCE_PASSWORD", "secret")
    server = IrbisServer({"IBIS": IrbisDatabase(medical_books())}).start()
    try:
        output = run(
            "irbis", "--org", organisation.slug, "--host", "127.0.0.1", "--port", str(server.port),
            "--user", "librarian", "--query", "A=ПУШКИН$",
        )  # fmt: skip
    finally:
        server.stop()
    assert "7 read, 7 added" in output
    assert Record.objects.filter(source=Source.IRBIS).count() == 7


def test_harvest_sru(organisation, sru):
    output = run(
        "sru", "--org", organisation.slug, "--url", sru.url, "--query", "dc.title=хирургия"
    )
    assert "7 read, 7 added" in output


def test_errors_become_command_errors(organisation, monkeypatch):
    with pytest.raises(CommandError, match="No organisation"):
        run("import", "missing.iso", "--org", "nowhere")
    with pytest.raises(CommandError):
        run("import", "/nonexistent/file.iso", "--org", organisation.slug)
    monkeypatch.setenv("VITRINA_CATALOG_SOURCE_PASSWORD", "wrong")
    server = IrbisServer({"IBIS": IrbisDatabase()}).start()
    try:
        with pytest.raises(CommandError, match="password is wrong"):
            run(
                "irbis",
                "--org",
                organisation.slug,
                "--host",
                "127.0.0.1",
                "--port",
                str(server.port),
                "--user",
                "librarian",
            )
    finally:
        server.stop()
