"""The reminder settings page of a library."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.core import LibraryFactory, OrganisationFactory
from tests.factories.readers import ReaderFactory, ReaderLinkFactory
from vitrina.channels.providers.registry import provider_class
from vitrina.core.roles import Role
from vitrina.readers.models import Reminder, ReminderSettings

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not provider_class("vk").messaging.can_write_first,
        reason="the networks' messaging facts come with private dialogs",
    ),
]

GOOD = {
    "enabled": "on",
    "due_soon_days": "2",
    "due_today": "on",
    "overdue_first_days": "1",
    "overdue_repeat_days": "7",
    "overdue_final_days": "30",
    "send_from": "09:30",
    "send_until": "19:00",
    "daily_cap": "2",
    "networks": ["vk", "max"],
}


def url(organisation, library=None):
    address = reverse("readers:reminder-settings", kwargs={"org": organisation.slug})
    return f"{address}?library={library.pk}" if library else address


def test_the_page_shows_the_defaults_and_the_networks_facts(
    admin_client, organisation, library, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(url(organisation, library))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="10:00"' in page and 'value="20:00"' in page
    assert "41-ФЗ" in page  # why Telegram is off
    assert "Одноклассники" in page and "не может" in page
    assert not ReminderSettings.objects.exists()  # nothing stored by looking


def test_the_page_shows_what_was_not_delivered_and_why(
    admin_client, organisation, library, django_assert_max_num_queries
):
    reader = ReaderFactory(library=library)
    link = ReaderLinkFactory(reader=reader)
    for number in range(5):
        Reminder.objects.create(
            reader=reader,
            link=link,
            loan_id=str(number),
            due=date(2026, 12, 5),
            kind="due_soon",
            state="failed" if number % 2 else "sent",
            not_before=timezone.now(),
            expires_at=timezone.now(),
            result="Библиотечная система не ответила: нет соединения",
        )
    with django_assert_max_num_queries(14):
        response = admin_client.get(url(organisation, library))
    page = response.content.decode()
    assert "Библиотечная система не ответила" in page
    assert reader.card in page


def test_saving_stores_the_settings(admin_client, organisation, library):
    response = admin_client.post(url(organisation), {**GOOD, "library": library.pk})
    assert response.status_code == 302
    settings = ReminderSettings.objects.get(library=library)
    assert settings.due_soon_days == 2
    assert str(settings.send_from) == "09:30:00"
    assert settings.daily_cap == 2
    assert settings.networks == ["vk", "max"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"send_from": "20:00", "send_until": "10:00"}, "позже начала"),
        ({"send_from": "10:00", "send_until": "10:00"}, "позже начала"),
        ({"daily_cap": "0"}, "Не меньше 1"),
        ({"daily_cap": "много"}, "целое число"),
        ({"due_soon_days": "-1"}, "Не меньше 0"),
        ({"overdue_first_days": "0"}, "Не меньше 1"),
        ({"overdue_final_days": "1"}, "позже первого"),
        ({"send_from": "25:00"}, "в виде 10:00"),
        ({"networks": ["ok"]}, "не может писать читателям первым"),
        ({"networks": ["myspace"]}, "Выберите корректный вариант"),
    ],
)
def test_bad_input_is_refused_in_russian(admin_client, organisation, library, change, message):
    response = admin_client.post(url(organisation), {**GOOD, **change, "library": library.pk})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReminderSettings.objects.exists()


def test_only_those_who_manage_libraries_change_them(client, organisation, library, member_factory):
    circulation = member_factory(role=Role.CIRCULATION)
    client.force_login(circulation.user)
    assert client.get(url(organisation, library)).status_code == 200
    response = client.post(url(organisation), {**GOOD, "library": library.pk})
    assert response.status_code == 302
    assert not ReminderSettings.objects.exists()
    author = member_factory(role=Role.AUTHOR)
    client.force_login(author.user)
    assert client.get(url(organisation, library)).status_code == 403


def test_another_organisations_library_is_not_found(admin_client, organisation, library):
    other = LibraryFactory(organisation=OrganisationFactory())
    assert admin_client.get(url(organisation, other)).status_code == 404
    response = admin_client.post(url(organisation), {**GOOD, "library": other.pk})
    assert response.status_code == 404
    assert not ReminderSettings.objects.exists()
