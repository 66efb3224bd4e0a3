"""Virtual exhibitions in a real browser: the public page on a phone, the builder, the
series of posts."""

import pytest

from tests.browser.test_main_screens import sign_in
from vitrina.demo.build import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    return build_demo()


def test_public_page_on_a_phone(browser, live_server, demo, tmp_path):
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server.url}/x/knmb/znamenatelnye-daty/")
    page.wait_for_selector("h1:has-text('Знаменательные даты в медицине')")
    assert page.locator("li.exhibition-book").count() >= 6
    assert "Хирурги" in page.locator("h2").all_inner_texts()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "public.png"), full_page=True)
    assert errors == []
    context.close()


def test_builder_and_series_preview(page, live_server, demo):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/o/knmb/exhibitions/")
    page.get_by_role("link", name="Медики в годы ВОВ").click()
    page.wait_for_selector("h1:has-text('Медики в годы ВОВ')")
    page.get_by_role("button", name="Сделать посты").click()
    page.get_by_label("ВКонтакте · Кузбасская научная медицинская библиотека").check()
    page.get_by_role("button", name="Предпросмотр").click()
    page.wait_for_selector("ol.series-plan")
    assert page.locator("ol.series-plan > li").count() >= 2
    page.get_by_role("button", name="Создать посты").click()
    page.wait_for_selector("text=Создано постов")
