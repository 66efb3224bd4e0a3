"""The demo's channels are wired to the sandbox's accounts and publish into it."""

import pytest

from vitrina.channels.connect import channel_check_connection, provider_account
from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import Payload
from vitrina.demo.build import build_demo
from vitrina.sandbox.for_demo import connect_channels

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, sandbox):
    settings.DEMO_MODE = True
    settings.VK_API_URL = sandbox.api_url("vk")
    settings.OK_API_URL = sandbox.api_url("ok")
    apps = sandbox.http.get("/sandbox/control/apps").json()
    settings.OK_APPLICATION_KEY = apps["ok"]["application_key"]
    settings.OK_CLIENT_SECRET = apps["ok"]["secret"]
    build_demo()
    return Channel.objects.all()


def test_demo_channels_publish_into_the_sandbox(demo, sandbox):
    # Two VK accounts and a community, three OK pages, two Telegram and two MAX channels.
    assert connect_channels(demo) == 10
    group = Channel.objects.get(url="https://vk.com/medlib42")
    assert group.connection_state == ConnectionState.CONNECTED
    assert group.external_id == "128554301"
    published = get_provider("vk").publish(
        provider_account(group), Payload(text="Встреча с Анной Петровой в четверг")
    )
    assert published.url == f"https://vk.com/wall-128554301_{published.external_id}"
    assert "Встреча с Анной Петровой в четверг" in sandbox.http.get("/sandbox/").text
    ok_profile = Channel.objects.get(url="https://ok.ru/profile/561588730013")
    assert channel_check_connection(channel=ok_profile, actor=None).can_post


def test_each_wall_starts_with_posts_of_its_own():
    from vitrina.sandbox.state import World

    world = World(seed=42)
    walls = {key: [post.text for post in account.posts] for key, account in world.accounts.items()}
    assert any("кардиолог" in text for text in walls["vk:medlib42"])
    for key in ("vk:vinilius", "ok:profile/561588730013", "telegram:mednogorsk_library"):
        assert walls[key] and not any("кардиолог" in text for text in walls[key]), key
    assert any("пластин" in text for text in walls["vk:vinilius"])
