"""The demo's reader services: a file of loans loaded, readers linked on VK and MAX."""

import time

import pytest

from vitrina.core.models import User
from vitrina.demo.build import build_demo
from vitrina.readers.models import Consent, FileLoan, IlsConnection, Loan, ReaderLink, Reminder
from vitrina.readers.services import connections

pytestmark = pytest.mark.django_db


def test_demo_links_readers_with_consents(settings, client):
    settings.DEMO_MODE = True
    started = time.perf_counter()
    build_demo()
    print(f"demo built in {time.perf_counter() - started:.1f} s")
    connection = IlsConnection.objects.get(organisation__slug="mednogorsk", kind="file")
    assert connection.library.name == "Центральная городская библиотека"
    assert FileLoan.objects.filter(connection=connection).count() == 9
    assert connection.loans_synced_at is not None
    links = ReaderLink.objects.filter(reader__connection=connection, state="active")
    assert links.count() == 8
    assert {link.channel.network for link in links} == {"vk", "max"}
    assert all(
        Consent.objects.filter(reader=link.reader, purpose="reminders").exists() for link in links
    )
    client.force_login(User.objects.get(username="demo"))
    page = client.get("/o/mednogorsk/readers/").content.decode()
    assert "Ф000101" in page and "Ф000108" in page
    assert (
        "Выдачи центральной библиотеки"
        in client.get("/o/mednogorsk/readers/connections/").content.decode()
    )
    # Reset rebuilds it without tripping over the readers.
    assert build_demo(reset=True) is not None
    assert ReaderLink.objects.filter(reader__connection__kind="file").count() == 8


def test_demo_with_the_sandbox_connects_koha_and_irbis(settings, networks):
    settings.DEMO_MODE = True
    started = time.perf_counter()
    build_demo(sandbox=networks)
    print(f"demo with the sandbox built in {time.perf_counter() - started:.1f} s")
    kinds = set(IlsConnection.objects.values_list("organisation__slug", "kind"))
    assert kinds == {("mednogorsk", "file"), ("mednogorsk", "irbis"), ("knmb", "koha")}
    koha_links = ReaderLink.objects.filter(reader__connection__kind="koha")
    assert koha_links.count() == 6
    assert ReaderLink.objects.count() == 14
    # The linked readers' loans are read and their first reminders planned at once.
    assert Loan.objects.filter(reader__connection__kind="koha").exists()
    assert Reminder.objects.filter(reader__connection__kind="koha").exists()
    for connection in IlsConnection.objects.all():
        connections.connection_check(connection=connection, actor=None)
        assert connection.state == "ok", (connection.kind, connection.check_problems)
    link = koha_links.first()
    dialog = networks.dialog(
        next(
            key
            for key, account in networks.accounts().items()
            if account["network"] == link.channel.network
            and account["screen_name"] in link.channel.url
        ),
        int(link.network_user_id),
    )
    assert dialog["allowed"]
