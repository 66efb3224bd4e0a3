import pytest
from django.core import mail

from tests.factories import LibraryFactory, MembershipFactory, OrganisationFactory, UserFactory
from vitrina.core import services
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import AuditEntry, Membership
from vitrina.core.roles import Role

pytestmark = pytest.mark.django_db


def test_organisation_create_makes_the_creator_admin():
    user = UserFactory()
    organisation = services.organisation_create(name="ЦБС", slug="cbs-x", admin=user)
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Role.ADMIN
    assert AuditEntry.objects.filter(
        organisation=organisation, action="organisation.created"
    ).exists()


def test_organisation_create_refuses_taken_slug():
    OrganisationFactory(slug="taken")
    with pytest.raises(Conflict):
        services.organisation_create(name="Other", slug="taken", admin=UserFactory())


def test_library_tree_refuses_cycles(organisation, admin):
    central = services.library_create(organisation=organisation, actor=admin, name="ЦГБ")
    branch = services.library_create(
        organisation=organisation, actor=admin, name="Филиал № 4", parent=central
    )
    with pytest.raises(ServiceError) as error:
        services.library_update(library=central, actor=admin, parent=branch)
    assert error.value.field == "parent"


def test_library_parent_must_be_in_the_same_organisation(organisation, admin):
    foreign = LibraryFactory()
    with pytest.raises(ServiceError):
        services.library_create(organisation=organisation, actor=admin, name="X", parent=foreign)


def test_library_names_are_unique_within_an_organisation(organisation, admin, library):
    with pytest.raises(Conflict):
        services.library_create(organisation=organisation, actor=admin, name=library.name)
    # Another organisation may use the same name.
    services.library_create(organisation=OrganisationFactory(), actor=admin, name=library.name)


def test_archiving_a_library_with_active_branches_is_refused(organisation, admin, library):
    services.library_create(organisation=organisation, actor=admin, name="Филиал", parent=library)
    with pytest.raises(ServiceError):
        services.library_set_archived(library=library, actor=admin, archived=True)


def test_role_change_is_audited_with_before_and_after(admin_membership, member_factory, library):
    member = member_factory(role=Role.AUTHOR)
    services.membership_change(
        membership=member, actor=admin_membership.user, role=Role.EDITOR, libraries=[library]
    )
    entry = AuditEntry.objects.get(action="member.role_changed")
    assert entry.actor == admin_membership.user
    assert entry.changes["role"] == [Role.AUTHOR, Role.EDITOR]
    assert entry.changes["libraries"] == [[], [library.name]]


def test_the_last_admin_cannot_step_down_or_be_deactivated(admin_membership):
    with pytest.raises(ServiceError):
        services.membership_change(
            membership=admin_membership, actor=admin_membership.user, role=Role.EDITOR
        )
    with pytest.raises(ServiceError):
        services.membership_set_active(
            membership=admin_membership, actor=admin_membership.user, active=False
        )


def test_membership_cannot_be_limited_to_foreign_libraries(admin_membership, member_factory):
    member = member_factory()
    with pytest.raises(ServiceError):
        services.membership_change(
            membership=member,
            actor=admin_membership.user,
            role=Role.AUTHOR,
            libraries=[LibraryFactory()],
        )


def test_invitation_is_mailed_and_accepted(
    organisation, admin, library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, link = services.invitation_create(
            organisation=organisation,
            actor=admin,
            email="New.Colleague@Example.org",
            role=Role.REFERENCE,
            libraries=[library],
        )
    assert len(mail.outbox) == 1
    assert link in mail.outbox[0].body
    assert mail.outbox[0].to == ["new.colleague@example.org"]
    found = services.invitation_find(link.rsplit("/", 2)[-2])
    assert found == invitation
    newcomer = UserFactory(email="new.colleague@example.org")
    membership = services.invitation_accept(invitation=found, user=newcomer)
    assert membership.role == Role.REFERENCE
    assert list(membership.libraries.all()) == [library]
    with pytest.raises(ServiceError):
        services.invitation_accept(invitation=found, user=UserFactory())


def test_invitation_refuses_existing_member_and_duplicates(organisation, admin):
    with pytest.raises(Conflict):
        services.invitation_create(
            organisation=organisation, actor=admin, email=admin.email, role=Role.AUTHOR
        )
    services.invitation_create(
        organisation=organisation, actor=admin, email="a@example.org", role=Role.AUTHOR
    )
    with pytest.raises(Conflict):
        services.invitation_create(
            organisation=organisation, actor=admin, email="A@example.org", role=Role.AUTHOR
        )


def test_revoked_invitation_cannot_be_accepted(organisation, admin):
    invitation, _link = services.invitation_create(
        organisation=organisation, actor=admin, email="b@example.org", role=Role.AUTHOR
    )
    services.invitation_revoke(invitation=invitation, actor=admin)
    with pytest.raises(ServiceError):
        services.invitation_accept(invitation=invitation, user=UserFactory())


def test_api_tokens_are_stored_hashed_and_revocable():
    user = UserFactory()
    token, raw = services.api_token_create(user=user, name="script")
    assert raw not in token.key_hash and raw.startswith(token.prefix)
    assert services.api_token_authenticate(raw) == user
    assert services.api_token_authenticate(raw + "x") is None
    services.api_token_revoke(token=token)
    assert services.api_token_authenticate(raw) is None


def test_deactivated_users_tokens_stop_working():
    user = UserFactory()
    _token, raw = services.api_token_create(user=user, name="script")
    user.is_active = False
    user.save()
    assert services.api_token_authenticate(raw) is None


def test_a_person_may_belong_to_several_organisations():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.EDITOR)
    MembershipFactory(user=user, role=Role.ANALYST)
    assert Membership.objects.filter(user=user).count() == 2


def test_user_update_keeps_the_persons_details_and_language():
    user = UserFactory(full_name="Иванова", language="ru")
    services.user_update(user=user, full_name="Иванова А. П.", email="a@lib.ru", language="en")
    user.refresh_from_db()
    assert (user.full_name, user.email, user.language) == ("Иванова А. П.", "a@lib.ru", "en")
    with pytest.raises(ServiceError):
        services.user_update(user=user, language="xx")
    with pytest.raises(ServiceError):
        services.user_update(user=user, is_staff=True)
    user.refresh_from_db()
    assert user.language == "en" and not user.is_staff


def test_user_set_language():
    user = UserFactory(language="ru")
    services.user_set_language(user=user, language="en")
    user.refresh_from_db()
    assert user.language == "en"
    with pytest.raises(ServiceError):
        services.user_set_language(user=user, language="de")
