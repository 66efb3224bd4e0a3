"""The vocabulary of the channels registry: networks, account kinds, connection states and
kinds of secrets.

Kept apart from the models so that providers, forms and the API share it. What each network
is and allows is not written here: each provider declares it and the registry
(``providers.registry``) answers for it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Network(models.TextChoices):
    VK = "vk", _("VK")
    OK = "ok", _("Odnoklassniki")
    TELEGRAM = "telegram", _("Telegram")
    MAX = "max", _("MAX")
    WEBSITE = "website", _("Website")
    OTHER = "other", _("Other network")


class Kind(models.TextChoices):
    PROFILE = "profile", _("Personal profile")
    GROUP = "group", _("Group")
    PUBLIC_PAGE = "public", _("Public page")
    CHANNEL = "channel", _("Channel")
    BOT = "bot", _("Bot")
    SITE = "site", _("Website")


KIND_HELP = {
    Kind.PROFILE: _(
        "A person's account, signed in with a login and password; it has friends rather "
        "than subscribers. Networks expect institutions to use a community instead."
    ),
    Kind.GROUP: _(
        "A community of people with shared interests; it can be open to everyone or "
        "closed. Members can post and discuss."
    ),
    Kind.PUBLIC_PAGE: _(
        "A page that informs about the library on a chosen topic; open to everyone, "
        "anyone can subscribe to its news."
    ),
    Kind.CHANNEL: _(
        "A feed of messages (Telegram, MAX): only the library writes, readers subscribe."
    ),
    Kind.BOT: _(
        "A chat bot that answers readers in private messages: renewals, reminders, questions."
    ),
    Kind.SITE: _("The library's own website, kept in the registry for the record."),
}

# Account kinds of the networks kept in the registry for the record only; the networks
# Vitrina connects to declare theirs on their providers (``providers.registry.kinds_for``).
RECORD_ONLY_KINDS: dict[str, list[str]] = {
    Network.WEBSITE: [Kind.SITE],
    Network.OTHER: [Kind.PROFILE, Kind.GROUP, Kind.PUBLIC_PAGE, Kind.CHANNEL, Kind.BOT],
}


class ConnectionState(models.TextChoices):
    NOT_CONNECTED = "not_connected", _("Not connected")
    CONNECTED = "connected", _("Connected")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
    RECORD_ONLY = "record_only", _("For the record only")


class SecretKind(models.TextChoices):
    USER_TOKEN = "user_token", _("User access token")
    COMMUNITY_TOKEN = "community_token", _("Community token")
    BOT_TOKEN = "bot_token", _("Bot token")
    REFRESH_TOKEN = "refresh_token", _("Refresh token")
    WEBHOOK_SECRET = "webhook_secret", _("Webhook secret")
