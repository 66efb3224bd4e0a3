"""Posts made on the network directly, read back from the channel's account.

VK (``wall.get``), OK (``mediatopic.getTopics``) and MAX (``GET /messages``) let Vitrina
read a channel's posts back; the Telegram Bot API cannot read a channel's history, so there
Vitrina knows the posts it published itself. The calls go through the provider, so they
share its rate limiter.
"""

from datetime import datetime, timedelta

from vitrina.channels.providers.base import Provider
from vitrina.channels.providers.types import AccountPost, ProviderAccount

# A post is followed for a year; the first reading looks that far back.
YEAR = timedelta(days=365)
# Later readings look back from the last full collection with this margin: a post made
# just before it may have reached the network's listing late.
MARGIN = timedelta(days=2)


def recent_wall_posts(
    provider: Provider, account: ProviderAccount, since: datetime
) -> list[AccountPost]:
    """The account's posts since the moment: external id, publication time and text."""
    if not provider.limits.reads_posts:
        return []
    return provider.list_recent_posts(account, since)


def discovery_since(now: datetime, last_full: datetime | None = None) -> datetime:
    """How far back to read: a year at first, then from the last full collection. Posts
    found before are followed from the stored figures, so they need not be found again."""
    year_ago = now - YEAR
    if last_full is None:
        return year_ago
    return max(year_ago, last_full - MARGIN)
