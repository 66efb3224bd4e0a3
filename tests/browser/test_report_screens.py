"""The report's page on a 1366-pixel screen: no sideways scrolling (wide tables scroll in
their own box), the conclusions and the signature edited on the page, and a printed page
without the site around the document."""

import os

import pytest

from tests.browser.test_main_screens import sign_in
from vitrina.analytics.models import Report
from vitrina.demo.build import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("VITRINA_SCREENSHOTS", "")


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    return build_demo()


def shot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_the_report_fits_the_screen_and_prints_as_a_document(browser, live_server, demo, tmp_path):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live_server)
    report = Report.objects.get(organisation__slug="knmb")
    page.goto(f"{live_server.url}/o/knmb/analytics/reports/{report.pk}/")
    page.wait_for_selector("h2:has-text('Таблица 1')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    boxes = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".map(box => box.getBoundingClientRect().right)"
    )
    assert boxes and max(boxes) <= 1366
    assert "27\xa0007" in page.locator("main").inner_text()  # Russian digit grouping
    shot(page, tmp_path, "report-page.png")

    page.get_by_label("Выводы").fill("Посты с опросами собирают больше комментариев.")
    page.get_by_label("Должность подписывающего").fill("Директор КНМБ")
    page.get_by_label("Фамилия и инициалы подписывающего").fill("А. Б. Васильева")
    page.get_by_role("button", name="Сохранить выводы и подпись").click()
    page.wait_for_selector("text=Сохранено")
    report.refresh_from_db()
    assert report.conclusions == "Посты с опросами собирают больше комментариев."
    assert (report.signer_position, report.signer_name) == ("Директор КНМБ", "А. Б. Васильева")

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".report-wording form").is_visible()
    assert page.locator(".signature").is_visible()
    printed = page.locator(".report-wording p", has_text="Посты с опросами собирают больше")
    assert printed.is_visible()
    shot(page, tmp_path, "report-print.png")

    # The library system's report: four channels, «нет данных» and its reasons.
    page.emulate_media(media="screen")
    year = Report.objects.get(organisation__slug="mednogorsk")
    page.goto(f"{live_server.url}/o/mednogorsk/analytics/reports/{year.pk}/")
    page.wait_for_selector("h2:has-text('Таблица 1')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert "только группам, не личным профилям" in page.locator("main").inner_text()
    shot(page, tmp_path, "report-year-page.png")
    context.close()
