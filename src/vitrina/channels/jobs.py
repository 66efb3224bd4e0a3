"""The channels' periodic job "channels.refresh_tokens": renew user tokens before they
expire, every ``VITRINA_TOKEN_REFRESH_MINUTES`` (publishing also refreshes a token it is
about to use, so this keeps idle channels connected)."""

from vitrina.channels.connect import channels_refresh_expiring
from vitrina.core.periodic import JobContext

JOB = "channels.refresh_tokens"


def tokens_refresh(context: JobContext | None = None) -> int:
    """Refresh every user token that expires soon; returns how many were refreshed."""
    return channels_refresh_expiring()
