"""In the demo, links to a network point at the sandbox that stands in for it.

The demo's channels carry their real addresses (vk.com/…, ok.ru/…) from the seed registries,
but what Vitrina publishes there lands in the local sandbox. So while the demo runs against
the sandbox, a channel's link opens its wall on the sandbox's page, and a post's link the
post on it (the page names each account ``network:screen name`` and each post
``network:screen name-post id``). Networks the sandbox does not emulate keep their address.
A dialog's deep link opens the sandbox's page where one opens the dialog as a reader.
"""

from urllib.parse import urlencode, urlsplit

from vitrina.channels.providers.registry import connectable_networks
from vitrina.core.sandbox_page import sandbox_page


def _account(channel) -> str:
    if channel.network not in connectable_networks():
        return ""
    screen_name = urlsplit(channel.url or "").path.strip("/").split("/")[0]
    return f"{channel.network}:{screen_name}" if screen_name else ""


def channel_address(channel) -> str:
    page, account = sandbox_page(), _account(channel)
    return f"{page}#{account}" if page and account else channel.url


def post_address(channel, external_id: str, url: str) -> str:
    page, account = sandbox_page(), _account(channel)
    if page and account and external_id:
        return f"{page}#{account}-{external_id}"
    return url


def dialog_address(channel, payload: str, url: str) -> str:
    """The channel's dialog opened with ``payload``: the sandbox's page where one opens it
    as a reader while the demo runs, else ``url`` (the network's deep link)."""
    page, account = sandbox_page(), _account(channel)
    if page and account:
        return f"{page}start?{urlencode({'account': account, 'start': payload})}"
    return url
