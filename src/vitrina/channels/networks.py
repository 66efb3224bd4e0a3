"""Networks, account kinds and connection states, with what each allows.

Kept apart from the models so that providers, forms and the API share one vocabulary.
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

KINDS_BY_NETWORK: dict[str, list[str]] = {
    Network.VK: [Kind.PROFILE, Kind.GROUP, Kind.PUBLIC_PAGE],
    Network.OK: [Kind.PROFILE, Kind.GROUP],
    Network.TELEGRAM: [Kind.CHANNEL, Kind.GROUP, Kind.BOT],
    Network.MAX: [Kind.CHANNEL, Kind.GROUP, Kind.BOT],
    Network.WEBSITE: [Kind.SITE],
    Network.OTHER: [Kind.PROFILE, Kind.GROUP, Kind.PUBLIC_PAGE, Kind.CHANNEL, Kind.BOT],
}

# Networks Vitrina publishes to; the others are kept in the registry for the record only.
CONNECTABLE = {Network.VK, Network.OK, Network.TELEGRAM, Network.MAX}


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


# Which secrets a librarian may paste by hand, per network (OAuth flows fill the others).
ENTERABLE_SECRETS: dict[str, list[str]] = {
    Network.VK: [SecretKind.COMMUNITY_TOKEN, SecretKind.USER_TOKEN],
    Network.OK: [SecretKind.USER_TOKEN],
    Network.TELEGRAM: [SecretKind.BOT_TOKEN],
    Network.MAX: [SecretKind.BOT_TOKEN],
}

# What each token is needed for, so the page can say plainly which one is missing.
SECRET_HELP: dict[tuple[str, str], str] = {
    (Network.VK, SecretKind.COMMUNITY_TOKEN): _(
        "Needed for messages to the community and for receiving comments (Long Poll). "
        "Created in the community's settings: Work with API → Access tokens."
    ),
    (Network.VK, SecretKind.USER_TOKEN): _(
        "Needed for posting and for statistics: VK accepts these only with the token of a "
        "community administrator."
    ),
    (Network.OK, SecretKind.USER_TOKEN): _(
        "A token with the GROUP_CONTENT permission of a group administrator."
    ),
    (Network.TELEGRAM, SecretKind.BOT_TOKEN): _(
        "From @BotFather. The bot must be an administrator of the channel."
    ),
    (Network.MAX, SecretKind.BOT_TOKEN): _(
        "From the MAX platform for partners. The bot must be an administrator of the channel."
    ),
}
