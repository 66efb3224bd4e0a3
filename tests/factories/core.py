import factory

from vitrina.core.models import AuditEntry, Library, Membership, Organisation, User
from vitrina.core.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    full_name = factory.Sequence(lambda n: f"Библиотекарь {n}")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"ЦБС № {n}")
    slug = factory.Sequence(lambda n: f"org{n}")
    kind = Organisation.Kind.LIBRARY_SYSTEM
    timezone = "Europe/Moscow"


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Библиотека-филиал № {n}")
    timezone = "Europe/Moscow"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ADMIN


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    organisation = factory.SubFactory(OrganisationFactory)
    action = "channel.changed"
    object_repr = factory.Sequence(lambda n: f"Объект {n}")
