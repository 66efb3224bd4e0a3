"""Posts made on the network directly, read back from the channel's wall.

Only VK lets an application read a wall (``wall.get``); elsewhere Vitrina knows the posts it
published itself. The call goes through the provider, so it shares its rate limiter.
"""

from datetime import UTC, datetime, timedelta

from vitrina.channels.providers.base import Provider, ProviderAccount

WALL_PAGE = 100


def recent_wall_posts(
    provider: Provider, account: ProviderAccount, since: datetime
) -> dict[str, datetime]:
    """External ids and publication times of the wall's posts since the moment."""
    if provider.network != "vk" or not account.tokens.get("user"):
        return {}
    found = {}
    offset = 0
    while True:
        page = provider.user(
            account,
            "wall.get",
            owner_id=provider.owner_id(account),
            count=WALL_PAGE,
            offset=offset,
        )
        items = page.get("items", [])
        for item in items:
            published = datetime.fromtimestamp(item["date"], UTC)
            if published >= since and not item.get("is_pinned"):
                found[str(item["id"])] = published
        oldest = min((item["date"] for item in items), default=None)
        offset += len(items)
        if (
            not items
            or offset >= page.get("count", 0)
            or datetime.fromtimestamp(oldest, UTC) < since
        ):
            return found


def discovery_since(now: datetime) -> datetime:
    return now - timedelta(days=365)
