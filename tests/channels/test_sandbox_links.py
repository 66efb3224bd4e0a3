"""In the demo, links to the networks open the sandbox that stands in for them."""

import pytest
from django.urls import reverse

from tests.factories import ChannelFactory
from tests.factories.content import PostFactory, VariantFactory
from vitrina.channels.connect import dialog_link, post_link
from vitrina.channels.networks import Network

pytestmark = pytest.mark.django_db

SANDBOX = "http://127.0.0.1:8765"


@pytest.fixture
def demo_sandbox(settings):
    settings.DEMO_MODE = True
    settings.SANDBOX_URL = SANDBOX


def test_the_header_shows_the_sandbox_in_the_demo(admin_client, organisation, settings):
    settings.DEMO_MODE = False
    home = reverse("channels:list", kwargs={"org": organisation.slug})
    assert "Песочница" not in admin_client.get(home).content.decode()
    settings.DEMO_MODE, settings.SANDBOX_URL = True, SANDBOX
    page = admin_client.get(home).content.decode()
    assert f'href="{SANDBOX}/sandbox/"' in page and "Песочница" in page


def test_channel_and_post_links_point_at_the_sandbox(admin_client, demo_sandbox, library):
    channel = ChannelFactory(library=library, network=Network.VK, url="https://vk.com/vinilius")
    post = PostFactory(organisation=library.organisation, library=library)
    VariantFactory(
        post=post,
        channel=channel,
        state="published",
        external_id="17",
        external_url="https://vk.com/wall-1_17",
    )
    org = library.organisation.slug
    detail = admin_client.get(
        reverse("channels:detail", kwargs={"org": org, "channel_id": channel.pk})
    ).content.decode()
    assert f'href="{SANDBOX}/sandbox/#vk:vinilius"' in detail
    page = admin_client.get(
        reverse("content:post", kwargs={"org": org, "post_id": post.pk})
    ).content.decode()
    assert f'href="{SANDBOX}/sandbox/#vk:vinilius-17"' in page
    assert "https://vk.com/wall-1_17" not in page
    assert post_link(channel, "17") == f"{SANDBOX}/sandbox/#vk:vinilius-17"


def test_outside_the_demo_links_stay_real(admin_client, library, settings):
    settings.DEMO_MODE = False
    channel = ChannelFactory(
        library=library, network=Network.VK, url="https://vk.com/vinilius", external_id="1"
    )
    assert post_link(channel, "17").startswith("https://vk.com/")


def test_the_sandbox_page_names_accounts_and_posts_as_the_links_do(networks, connect):
    import httpx

    channel = connect(Network.VK)
    networks.http.post(
        "/sandbox/control/posts",
        json={"network": "vk", "account": channel.sandbox_key, "text": "Пост из песочницы"},
    )
    page = httpx.get(f"{networks.url}/sandbox/").text
    assert f'id="{channel.sandbox_key}"' in page
    assert f'id="{channel.sandbox_key}-' in page


def test_dialog_links_open_the_sandbox_in_the_demo(library, settings):
    channel = ChannelFactory(library=library, network=Network.VK, url="https://vk.com/vinilius")
    settings.DEMO_MODE = False
    assert dialog_link(channel, "k1") == "https://vk.me/vinilius?ref=k1"
    settings.DEMO_MODE, settings.SANDBOX_URL = True, SANDBOX
    assert dialog_link(channel, "k1") == f"{SANDBOX}/sandbox/start?account=vk%3Avinilius&start=k1"
