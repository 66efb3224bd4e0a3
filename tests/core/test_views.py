import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import LibraryFactory
from vitrina.core.models import AuditEntry, Invitation, Membership
from vitrina.core.roles import Role

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def test_admin_invites_and_the_colleague_registers(client, admin_client, organisation, library):
    response = admin_client.post(
        url("invitation-create", organisation),
        {"email": "reader.desk@example.org", "role": Role.REFERENCE, "libraries": [library.pk]},
    )
    assert response.status_code == 200
    link = response.context["link"]
    path = link.replace("http://127.0.0.1:8000", "")
    client.logout()
    response = client.post(
        path,
        {
            "full_name": "Ольга Справкина",
            "username": "olga",
            "password1": "Spravka-2026!",
            "password2": "Spravka-2026!",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="olga")
    assert membership.role == Role.REFERENCE
    assert membership.user.email == "reader.desk@example.org"
    assert Invitation.objects.get().accepted_at is not None


def test_registration_errors_are_shown_and_nothing_is_created(client, organisation, admin):
    from vitrina.core.services import invitation_create

    _invitation, link = invitation_create(
        organisation=organisation, actor=admin, email="x@example.org", role=Role.AUTHOR
    )
    response = client.post(
        link.replace("http://127.0.0.1:8000", ""),
        {"full_name": "X", "username": "bad name", "password1": "a", "password2": "b"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "без пробелов" in content
    assert "не совпадают" in content
    assert not Membership.objects.filter(user__username="bad name").exists()


def test_invalid_invitation_link_says_so(client):
    response = client.get(reverse("invitation-accept", kwargs={"token": "nonsense"}))
    assert response.status_code == 404
    assert "больше не действует" in response.content.decode()


def test_admin_changes_a_role(admin_client, organisation, member_factory):
    member = member_factory(role=Role.AUTHOR)
    response = admin_client.post(
        url("member-edit", organisation, member_id=member.pk), {"role": Role.EDITOR}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.EDITOR


def test_admin_deactivates_and_reactivates(admin_client, organisation, member_factory):
    member = member_factory()
    admin_client.post(
        url("member-set-active", organisation, member_id=member.pk), {"action": "deactivate"}
    )
    member.refresh_from_db()
    assert not member.is_active
    admin_client.post(
        url("member-set-active", organisation, member_id=member.pk), {"action": "reactivate"}
    )
    member.refresh_from_db()
    assert member.is_active


def test_deactivated_member_loses_access(client, organisation, member_factory):
    member = member_factory(role=Role.EDITOR, is_active=False)
    client.force_login(member.user)
    assert client.get(url("channels:list", organisation)).status_code == 404


@pytest.mark.parametrize("role", [Role.EDITOR, Role.AUTHOR, Role.REFERENCE, Role.ANALYST])
def test_only_admins_manage_people_and_see_the_audit_log(
    client, organisation, member_factory, role
):
    member = member_factory(role=role)
    client.force_login(member.user)
    assert client.get(url("member-list", organisation)).status_code == 403
    assert client.get(url("audit-log", organisation)).status_code == 403
    assert client.post(url("invitation-create", organisation), {}).status_code == 403


def test_library_form_rejects_empty_name_in_russian(admin_client, organisation):
    response = admin_client.post(
        url("library-create", organisation), {"name": "", "timezone": "Europe/Moscow"}
    )
    assert response.status_code == 200
    assert "Введите название библиотеки" in response.content.decode()


def test_library_create_edit_archive(admin_client, organisation):
    response = admin_client.post(
        url("library-create", organisation),
        {"name": "Библиотека-филиал № 4", "timezone": "Asia/Yekaterinburg"},
    )
    assert response.status_code == 302
    library = organisation.libraries.get()
    admin_client.post(
        url("library-edit", organisation, library_id=library.pk),
        {"name": "Филиал № 4", "timezone": "Asia/Yekaterinburg"},
    )
    library.refresh_from_db()
    assert library.name == "Филиал № 4"
    admin_client.post(
        url("library-archive", organisation, library_id=library.pk), {"action": "archive"}
    )
    library.refresh_from_db()
    assert library.archived_at is not None
    assert AuditEntry.objects.filter(action="library.archived").exists()


def test_duplicate_library_name_is_a_form_error(admin_client, organisation, library):
    response = admin_client.post(
        url("library-create", organisation), {"name": library.name, "timezone": "Europe/Moscow"}
    )
    assert response.status_code == 200
    assert "уже есть" in response.content.decode()


def test_organisation_switcher_lists_every_organisation(admin_client, admin, organisation):
    from tests.factories import MembershipFactory

    other = MembershipFactory(user=admin, role=Role.ANALYST).organisation
    content = admin_client.get(url("settings-home", organisation)).content.decode()
    assert other.name in content and organisation.name in content
    assert admin_client.get(url("settings-home", other)).status_code == 200


def test_audit_log_shows_changes(admin_client, organisation, library):
    LibraryFactory(organisation=organisation)
    admin_client.post(
        url("library-edit", organisation, library_id=library.pk),
        {"name": "Новое имя", "timezone": "Europe/Moscow"},
    )
    content = admin_client.get(url("audit-log", organisation)).content.decode()
    assert "library.changed" in content and "Новое имя" in content


def test_profile_creates_and_revokes_api_tokens(admin_client, admin):
    response = admin_client.post(reverse("api-token-create"), {"name": "отчёты"})
    raw = response.context["raw"]
    assert raw in response.content.decode()
    token = admin.api_tokens.get()
    # The profile never shows the token again.
    assert raw not in admin_client.get(reverse("profile")).content.decode()
    admin_client.post(reverse("api-token-revoke", kwargs={"token_id": token.pk}))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_profile_token_needs_a_name(admin_client):
    response = admin_client.post(reverse("api-token-create"), {"name": ""})
    assert response.status_code == 400
    assert "Дайте токену название" in response.content.decode()


def test_audit_list_query_count_does_not_grow(
    admin_client, organisation, library, django_assert_max_num_queries
):
    from vitrina.core.audit import audit_record

    for index in range(60):
        audit_record(
            action="library.changed",
            organisation=organisation,
            actor=None,
            obj=library,
            changes={"n": [index, index + 1]},
        )
    with django_assert_max_num_queries(12):
        assert admin_client.get(url("audit-log", organisation)).status_code == 200


def test_member_list_query_count_does_not_grow(
    admin_client, organisation, member_factory, library, django_assert_max_num_queries
):
    for _index in range(30):
        member_factory(libraries=[library])
    with django_assert_max_num_queries(12):
        assert admin_client.get(url("member-list", organisation)).status_code == 200


def test_admin_changes_organisation_settings_and_it_is_audited(admin_client, organisation):
    response = admin_client.post(
        url("settings-home", organisation),
        {
            "name": "ЦБС города Медногорска",
            "kind": "system",
            "timezone": "Asia/Yekaterinburg",
            "retry_window_hours": "6",
            "answer_working_days": "1",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.timezone == "Asia/Yekaterinburg"
    entry = AuditEntry.objects.get(action="organisation.changed")
    assert entry.changes["timezone"] == ["Europe/Moscow", "Asia/Yekaterinburg"]


def test_non_admins_see_settings_read_only(client, organisation, member_factory):
    member = member_factory(role=Role.EDITOR)
    client.force_login(member.user)
    response = client.get(url("settings-home", organisation))
    assert response.status_code == 200
    assert "<form" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]
    assert client.post(url("settings-home", organisation), {"name": "x"}).status_code == 403


def test_profile_saves_the_details_through_the_service(admin_client, admin):
    response = admin_client.post(
        reverse("profile"),
        {
            "profile-full_name": "Новое имя",
            "profile-email": "new@lib.ru",
            "profile-language": "en",
        },
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    admin.refresh_from_db()
    assert (admin.full_name, admin.email, admin.language) == ("Новое имя", "new@lib.ru", "en")


def test_a_second_page_of_the_organisation_does_not_save_the_session_again(
    admin_client, organisation
):
    admin_client.get(url("library-list", organisation))
    with CaptureQueriesContext(connection) as again:
        response = admin_client.get(url("library-list", organisation))
    assert response.status_code == 200
    assert admin_client.session["zone"] == organisation.timezone
    writes = [q["sql"] for q in again.captured_queries if "django_session" in q["sql"]]
    assert not any(sql.lstrip().upper().startswith(("UPDATE", "INSERT")) for sql in writes)
