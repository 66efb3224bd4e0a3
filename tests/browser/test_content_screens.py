"""The calendar and the composer in a real browser, under the content security policy."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_main_screens import sign_in
from tests.images import image_bytes
from vitrina.content.models import Post
from vitrina.demo.build import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    return build_demo()


def test_calendar_shows_posts_and_drag_reschedules(page, live_server, demo):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    responses, dialogs = [], []
    page.on("response", lambda r: "/move/" in r.url and responses.append((r.status, r.text())))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/o/knmb/calendar/")
    page.wait_for_selector(".fc-event")
    page.locator(".fc-listMonth-button, .fc-list-button").first.click()
    page.wait_for_selector(".fc-list-event")
    page.locator(".fc-dayGridMonth-button").click()
    post = Post.objects.get(text__startswith="Новые поступления: учебники")
    zone = ZoneInfo(post.library.timezone)
    local = post.scheduled_at.astimezone(zone)
    target = (local + timedelta(days=1)).date()
    source = page.locator(".fc-event", has_text="Новые поступления").first
    cell = page.locator(f".fc-daygrid-day[data-date='{target.isoformat()}'] .fc-daygrid-day-frame")
    if not cell.count():  # the post falls in the next month's grid
        page.locator(".fc-next-button").click()
    cell.scroll_into_view_if_needed()
    box, to = source.bounding_box(), cell.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] / 2, steps=5)
    page.mouse.move(to["x"] + 20, to["y"] + to["height"] / 2, steps=12)
    page.mouse.up()
    page.wait_for_timeout(1000)
    assert [status for status, _body in responses] == [200], (responses, dialogs)
    post.refresh_from_db()
    moved = post.scheduled_at.astimezone(zone)
    assert moved.date() == target and moved.time() == local.time()
    assert not errors, errors


def test_composer_counts_uploads_and_saves(page, live_server, demo, tmp_path):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    picture = tmp_path / "cover.png"
    picture.write_bytes(image_bytes(900, 600))
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/o/knmb/posts/new/")
    page.get_by_label("ВКонтакте · Кузбасская научная медицинская библиотека").check()
    page.get_by_label("Текст", exact=True).fill("Выставка в читальном зале")
    expect(page.locator("#composer-checks")).to_contain_text("осталось знаков: 16359")
    page.set_input_files("#id_upload", str(picture))
    expect(page.locator("#media-list .media-item")).to_have_count(1)
    expect(page.locator("#previews .preview")).to_have_count(1)
    page.get_by_role("button", name="Сохранить и запланировать").click()
    expect(page.get_by_text("Пост запланирован.")).to_be_visible()
    post = Post.objects.get(text="Выставка в читальном зале")
    assert post.media_items.count() == 1
    assert not errors, errors


def test_calendar_marks_each_posts_state_with_a_legend(page, live_server, demo):
    sign_in(page, live_server)
    post = Post.objects.filter(variants__state="pending_approval").first()
    month = post.scheduled_at.astimezone(ZoneInfo(post.library.timezone)).strftime("%Y-%m")
    page.goto(f"{live_server.url}/o/knmb/calendar/")
    page.wait_for_selector(".fc-event")
    for _month in range(36):
        shown = page.locator(".fc-daygrid-day:not(.fc-day-other)").first.get_attribute("data-date")
        if shown.startswith(month):
            break
        page.locator(".fc-next-button" if shown < month else ".fc-prev-button").click()
        page.wait_for_timeout(150)
    page.wait_for_selector(".fc-event.state-pending_approval")
    marks = page.evaluate(
        """() => [...document.querySelectorAll('.fc-event')].map(e => [
            [...e.classList].find(c => c.startsWith('state-')),
            getComputedStyle(e.querySelector('.fc-event-title'), '::before').content,
            getComputedStyle(e).borderTopStyle])"""
    )
    by_state = {state: (mark, border) for state, mark, border in marks}
    assert by_state["state-pending_approval"] == ('"?"', "dotted")
    if "state-scheduled" in by_state:
        assert by_state["state-scheduled"][0] == '"◷"'
    legend = page.locator(".calendar-legend li")
    expect(legend).to_have_count(6)
    expect(page.locator(".calendar-legend")).to_contain_text("Черновик")
    expect(page.locator(".calendar-legend")).to_contain_text("Опубликован")
    page.screenshot(path="/tmp/harden-calendar.png", full_page=True)
