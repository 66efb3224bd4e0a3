"""The catalogue in a real browser: search by a word form, a record with its cover, dates."""

import pytest

from tests.browser.test_main_screens import sign_in
from vitrina.demo.build import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    return build_demo()


def test_search_open_a_record_and_see_the_dates(page, live_server, demo):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server)
    page.get_by_role("link", name="Каталог", exact=True).first.click()
    page.wait_for_selector("h1:has-text('Каталог')")

    page.get_by_label("Слова").fill("хирургии")
    page.get_by_role("button", name="Найти").click()
    page.wait_for_selector("ol.records")
    found = page.locator("ol.records").inner_text()
    assert "Хирургия сердца" in found and "Очерки гнойной хирургии" in found
    assert "Фармакология" not in found

    page.get_by_role("link", name="Хирургия сердца").click()
    page.wait_for_selector("p.description")
    assert "Бакулев, А. Н. Хирургия сердца : избранные труды / А. Н. Бакулев." in (
        page.locator("p.description").first.inner_text()
    )
    cover = page.locator("img.cover")
    cover.wait_for()
    # The page's CSP forbids evaluating scripts, so the image is fetched as the page did.
    image = page.request.get(live_server.url + cover.get_attribute("src"))
    assert image.status == 200 and image.headers["content-type"] == "image/png"

    page.get_by_role("link", name="← Каталог").click()
    page.get_by_role("link", name="Памятные даты").click()
    page.wait_for_selector("#upcoming-heading")
    assert "Ближайшие 90 дней" in page.locator("#upcoming-heading").inner_text()
    assert page.locator("ul.upcoming li").count() > 0
    assert errors == []


def test_import_a_file_and_read_the_report(page, live_server, demo, tmp_path):
    from tests.catalog.marcdata import iso2709, rusmarc_record

    good = iso2709(rusmarc_record(7, "Хирургия детского возраста", "Исаков", "Ю. Ф."), "cp1251")
    path = tmp_path / "export.iso"
    path.write_bytes(good + b"12x45" + good[5:])
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/o/knmb/catalogue/import/")
    page.get_by_label("Файл").set_input_files(str(path))
    page.get_by_role("button", name="Импорт", exact=True).click()
    page.wait_for_selector("#import-report")
    page.wait_for_selector("text=Завершён")
    report = page.locator("#import-report").inner_text()
    assert "Повреждён маркер записи" in report
    page.get_by_role("button", name="Открыть каталог").click()
    page.get_by_label("Слова").fill("детского возраста")
    page.get_by_role("button", name="Найти").click()
    assert "Хирургия детского возраста" in page.locator("ol.records").inner_text()
