"""The inbox in a real browser: the unread count, a conversation, a canned answer."""

import pytest

from vitrina.core.models import Membership
from vitrina.demo.build import build_demo
from vitrina.inbox.services.canned import canned_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    return build_demo()


def test_unread_count_conversation_and_canned_answer(page, live_server, demo):
    from tests.browser.test_main_screens import sign_in

    membership = Membership.objects.get(user__username="demo", organisation__slug="knmb")
    canned_save(membership=membership, title="Продление", text="{reader}, книги продлены.")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server)
    page.wait_for_selector("#channels-table")
    badge = page.locator(".module-nav .nav-badge [data-count]")
    badge.wait_for()
    assert badge.inner_text() == "3"

    page.get_by_role("link", name="Входящие").first.click()
    page.wait_for_selector("#inbox-table")
    assert "Жалоба: для старшего библиотекаря" in page.locator("#inbox-table").inner_text()
    page.get_by_role("link", name="Анастасия Белова").click()
    page.get_by_label("Шаблон ответа").select_option(label="Продление")
    assert (
        page.get_by_label("Ответ", exact=True).input_value() == "Анастасия Белова, книги продлены."
    )
    assert not errors, errors
