import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory
from vitrina.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_sign_in_lands_in_the_organisation_and_is_audited(client, admin_membership):
    user = admin_membership.user
    response = _login(client, user.username, "password")
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response["Location"] == f"/o/{admin_membership.organisation.slug}/"
    entry = AuditEntry.objects.get(action="auth.signed_in")
    assert entry.organisation == admin_membership.organisation
    assert entry.ip_address == "10.0.0.1"


def test_wrong_password_says_so_in_russian(client, admin):
    response = _login(client, admin.username, "wrong")
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, admin, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _attempt in range(3):
        _login(client, admin.username, "wrong")
    # Even the right password is refused while the account is locked.
    response = _login(client, admin.username, "password")
    assert response.status_code == 200
    assert "Слишком много неудачных попыток" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_counts_per_account_not_across_accounts(client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    first, second = UserFactory(), UserFactory()
    MembershipFactory(user=second)
    for _attempt in range(2):
        _login(client, first.username, "wrong", ip="10.0.0.2")
    response = _login(client, second.username, "password", ip="10.0.0.3")
    assert response.status_code == 302


def test_password_reset_sends_a_working_link(client, admin):
    response = client.post(reverse("password_reset"), {"email": admin.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0]
    response = client.post(
        form_path, {"new_password1": "Kniga-2026-ok", "new_password2": "Kniga-2026-ok"}
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("Kniga-2026-ok")


def test_person_without_organisation_sees_an_explanation(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "пригласить" in response.content.decode()


def test_language_switch_to_english_and_back(admin_client, admin_membership):
    url = f"/o/{admin_membership.organisation.slug}/settings/"
    response = admin_client.post(reverse("set-language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert "Settings" in admin_client.get(url).content.decode()
    admin_client.post(reverse("set-language"), {"language": "ru", "next": url})
    assert "Настройки" in admin_client.get(url).content.decode()
    admin_membership.user.refresh_from_db()
    assert admin_membership.user.language == "ru"


def test_language_switch_refuses_foreign_redirects(admin_client):
    response = admin_client.post(
        reverse("set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_pages_send_a_content_security_policy(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_post_without_csrf_token_is_refused(admin):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": admin.username, "password": "password"})
    assert response.status_code == 403
