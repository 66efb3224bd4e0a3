"""A librarian's first minutes, in a real browser: sign in, the channels, two languages."""

import pytest
from playwright.sync_api import expect

from vitrina.demo.build import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    return build_demo()


def sign_in(page, live_server, username="demo", password="demo"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def test_sign_in_see_channels_switch_language_and_back(page, live_server, demo, tmp_path):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server)

    page.wait_for_selector("#channels-table")
    assert page.get_by_role("heading", name="Каналы").is_visible()
    table = page.locator("#channels-table")
    assert "https://vk.com/medlib42" in table.inner_text()
    assert "2\xa0025" in table.inner_text()  # Russian digit grouping

    page.get_by_role("button", name="English").click()
    page.wait_for_selector("h1:has-text('Channels')")
    assert page.get_by_role("columnheader", name="Friends / subscribers").is_visible()

    page.get_by_role("button", name="Русский").click()
    page.wait_for_selector("h1:has-text('Каналы')")
    page.screenshot(path=str(tmp_path / "channels.png"), full_page=True)
    assert not errors, errors


def test_switch_organisation_and_open_a_channel(page, live_server, demo):
    sign_in(page, live_server)
    page.wait_for_selector("#channels-table")
    page.locator("details.org-switcher summary").click()
    page.get_by_role("link", name="ЦБС Медногорска").click()
    page.wait_for_selector("text=Медногорский винил")
    page.get_by_role("link", name="Медногорский винил").click()
    assert page.get_by_text("https://vk.com/vinilius").first.is_visible()


def test_channel_form_reports_a_wrong_address_in_russian(page, live_server, demo):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/o/knmb/channels/new/")
    page.get_by_label("Сеть").select_option("vk")
    page.get_by_label("Группа").check()
    page.get_by_label("Название").fill("Ещё одна группа")
    page.get_by_label("Адрес").fill("https://ok.ru/group/1")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("должен начинаться с vk.com")).to_be_visible()
    # Kinds that VK does not have are not offered.
    assert page.locator("input[name='kind'][value='bot']").is_disabled()
