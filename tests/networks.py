"""Helpers for tests that publish to, or read from, the sandbox's networks."""

from vitrina.channels.networks import Kind, Network, SecretKind

# The sandbox's kind of a fresh account, and the registry's kind of its channel.
KINDS = {
    Network.VK: ("community", Kind.GROUP),
    Network.OK: ("group", Kind.GROUP),
    Network.TELEGRAM: ("channel", Kind.CHANNEL),
    Network.MAX: ("channel", Kind.CHANNEL),
}
# The sandbox's token names → the secrets a channel keeps them as.
SECRETS = {
    "user": SecretKind.USER_TOKEN,
    "community": SecretKind.COMMUNITY_TOKEN,
    "access_token": SecretKind.USER_TOKEN,
    "bot": SecretKind.BOT_TOKEN,
}


def posts_on(sandbox, channel) -> int:
    """How many posts the channel's emulated account holds."""
    return sandbox.accounts()[channel.sandbox_key]["posts"]
