"""Sign-in, password change and password reset are throttled per client address, also
behind the TLS proxy the operations guide describes."""

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory
from vitrina.core.client_address import client_address

pytestmark = pytest.mark.django_db

PROXY = "10.1.0.5"


def _login(client, username, password, *, client_ip, remote=PROXY):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=client_ip,
    )


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # A trusted proxy: the hop it appended is the client.
        (PROXY, "203.0.113.7", "203.0.113.7"),
        # What the client wrote itself stands left of what the proxy appended.
        (PROXY, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        # Two trusted proxies in a row are skipped.
        (PROXY, "203.0.113.7, 10.1.0.9", "203.0.113.7"),
        (PROXY, "[2001:db8::7]:4711", "2001:db8::7"),
        # A proxy that forwarded nothing usable: its own address.
        (PROXY, "", PROXY),
        (PROXY, "garbage", PROXY),
        # Anyone else's header is ignored: it could be forged.
        ("198.51.100.20", "203.0.113.7", "198.51.100.20"),
    ],
)
def test_client_address_believes_only_trusted_proxies(settings, remote, forwarded, expected):
    import ipaddress

    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.1.0.0/24")]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(request) == PROXY


def test_failures_of_one_client_behind_the_proxy_do_not_lock_out_others(client, settings):
    import ipaddress

    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]
    settings.LOGIN_MAX_FAILURES = 2
    # Eight failures on eight accounts from one reader: that address is locked...
    for number in range(8):
        _login(client, f"nobody{number}", "wrong", client_ip="203.0.113.66")
    colleague = UserFactory()
    locked = _login(client, colleague.username, "password", client_ip="203.0.113.66")
    assert "Слишком много неудачных попыток" in locked.content.decode()
    # ...but a colleague signing in through the same proxy from elsewhere is not.
    response = _login(client, colleague.username, "password", client_ip="198.51.100.4")
    assert response.status_code == 302


def test_a_forged_header_does_not_escape_the_lock(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_MAX_FAILURES = 2
    for number in range(8):
        _login(
            client,
            f"nobody{number}",
            "wrong",
            client_ip=f"203.0.113.{number}",
            remote="198.51.100.30",
        )
    user = UserFactory()
    response = _login(
        client, user.username, "password", client_ip="1.2.3.4", remote="198.51.100.30"
    )
    assert response.status_code == 200
    assert "Слишком много неудачных попыток" in response.content.decode()


def test_password_change_is_throttled(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory()
    client.force_login(user)
    url = reverse("password_change")
    attempt = {"new_password1": "Kniga-2026-ok", "new_password2": "Kniga-2026-ok"}
    for _attempt in range(3):
        response = client.post(url, {**attempt, "old_password": "wrong"})
        assert response.status_code == 200
    # The right old password is refused too while the pause lasts.
    response = client.post(url, {**attempt, "old_password": "password"})
    assert response.status_code == 200
    assert "Слишком много неверных паролей" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("password")


def test_password_reset_is_throttled(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory(email="reader@example.org")
    url = reverse("password_reset")
    for _attempt in range(3):
        assert client.post(url, {"email": user.email}).status_code == 302
    response = client.post(url, {"email": user.email})
    assert response.status_code == 200
    assert "Слишком много запросов" in response.content.decode()
    assert len(mail.outbox) == 3
