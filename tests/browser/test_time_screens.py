"""Times in a real browser for a library system on Moscow time with a branch in
Yekaterinburg: the branch's posts, exhibition and conversations say «по Екатеринбургу»,
the zones are named in Russian. Screenshots go to VITRINA_SCREENSHOTS when it is set."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    SeriesFactory,
    UserFactory,
    VariantFactory,
)
from tests.factories.exhibitions import ExhibitionFactory
from tests.factories.inbox import MessageFactory, ThreadFactory
from vitrina.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def main(page) -> str:
    return page.locator("main").inner_text().replace("\xa0", " ")


def shoot(page, name):
    folder = os.environ.get("VITRINA_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_branch_in_another_zone_shows_its_own_hour(page, live_server):
    from tests.browser.test_main_screens import sign_in

    organisation = OrganisationFactory(slug="orb", name="ЦБС Оренбурга", timezone="Europe/Moscow")
    branch = LibraryFactory(
        organisation=organisation, name="Филиал в Екатеринбурге", timezone="Asia/Yekaterinburg"
    )
    channel = ChannelFactory(library=branch, name="Филиал ВКонтакте", timezone=branch.timezone)
    MembershipFactory(organisation=organisation, user=UserFactory(username="orb"), role=Role.ADMIN)
    # Tomorrow at 09:00 UTC: 14:00 in Yekaterinburg, 12:00 in Moscow.
    moment = (timezone.now() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    series = SeriesFactory(organisation=organisation, name="Книжная выставка")
    post = PostFactory(
        organisation=organisation,
        library=branch,
        series=series,
        title="Встреча с писателем",
        scheduled_at=moment,
    )
    VariantFactory(post=post, channel=channel)
    exhibition = ExhibitionFactory(
        organisation=organisation, library=branch, series=series, title="Уральские писатели"
    )
    thread = ThreadFactory(channel=channel, last_message_at=moment - timedelta(days=1))
    MessageFactory(thread=thread, created_at=moment - timedelta(days=1), text="Здравствуйте!")
    label = "14:00 по Екатеринбургу"

    sign_in(page, live_server, username="orb", password="password")
    page.wait_for_load_state()
    base = f"{live_server.url}/o/orb"

    page.goto(f"{base}/posts/")
    assert label in main(page)
    shoot(page, "time-posts")
    page.goto(f"{base}/posts/{post.pk}/")
    assert label in main(page)
    shoot(page, "time-post")
    page.goto(f"{base}/exhibitions/{exhibition.pk}/")
    assert label in main(page)
    shoot(page, "time-exhibition")
    page.goto(f"{base}/inbox/")
    assert label in main(page)
    shoot(page, "time-inbox")
    page.goto(f"{base}/channels/{channel.pk}/")
    text = main(page)
    assert "Екатеринбург" in text and "Asia/Yekaterinburg" not in text
    shoot(page, "time-channel")
    page.goto(f"{base}/settings/libraries/{branch.pk}/")
    select = page.get_by_label("Часовой пояс")
    assert select.locator("option:checked").inner_text() == "Екатеринбург (UTC+5)"
    shoot(page, "time-library-form")
