"""The analytics dashboard as a librarian sees it, at 1366×768: the growth between real
readings, «Собрать сейчас», the heatmap of 24 hours with its scale."""

import os
from pathlib import Path

import pytest

from tests.analytics.conftest import demo, demo_sandbox  # noqa: F401  (fixtures)
from tests.browser.test_main_screens import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("VITRINA_SCREENSHOTS", "/tmp/vitrina-screens"))


@pytest.fixture
def wide(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_month_after_collecting_now_grows_only_between_readings(wide, live_server, demo):  # noqa: F811
    page = wide
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/o/knmb/analytics/")
    page.get_by_role("button", name="Собрать сейчас").click()
    page.wait_for_selector("text=собраны")
    text = page.inner_text("body")
    assert "собраны" in text
    growth = page.inner_text("#growth")
    assert "×" not in growth and "490 →" not in growth
    assert "только одно измерение" in growth
    _shot(page, "analytics-month")

    # Again at once: a plain refusal.
    page.get_by_role("button", name="Собрать сейчас").click()
    page.wait_for_selector("text=собрать снова можно с")

    heatmap = page.locator("table.heatmap")
    assert heatmap.locator("thead th").count() == 25
    # The page fits the screen: nothing runs off to the right.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    wrap = heatmap.locator("xpath=..")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert not errors, errors


def test_the_2020_year_reads_as_the_report_does(wide, live_server, demo):  # noqa: F811
    page = wide
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/o/knmb/analytics/?date_from=2020-01-01&date_to=2020-12-31")
    growth = page.inner_text("#growth")
    assert "→" in growth and "×" in growth
    top = page.inner_text("#top-title + .table-wrap, section[aria-labelledby=top-title]")
    assert "Туснолобовой-Марченко" in top and "сделанный в самой соцсети" not in top
    page.locator("#heatmap-title").scroll_into_view_if_needed()
    legend = page.inner_text("#heatmap-scale")
    assert "просмотров на пост" in legend
    # Every number in a shaded cell is readable: the link takes the cell's text colour.
    colours = page.eval_on_selector_all(
        "table.heatmap td a",
        "links => links.map(a => "
        "[getComputedStyle(a).color, getComputedStyle(a.parentElement).color])",
    )
    assert colours and all(link == cell for link, cell in colours)
    _shot(page, "analytics-2020")
    page.locator("section[aria-labelledby=heatmap-title]").screenshot(
        path=str(SHOTS / "analytics-2020-heatmap.png")
    )


def test_a_channels_figures_page_collects_it_now(wide, live_server, demo):  # noqa: F811
    from vitrina.channels.models import Channel

    group = Channel.objects.get(url="https://vk.com/medlib42")
    page = wide
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/o/knmb/analytics/channels/{group.pk}/figures/")
    page.get_by_role("button", name="Собрать сейчас").click()
    page.wait_for_selector("text=собраны")
    assert f"/analytics/channels/{group.pk}/figures/" in page.url
    _shot(page, "analytics-channel-figures")
