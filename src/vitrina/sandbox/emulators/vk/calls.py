"""What every emulated VK method shares: VK's error texts, which token kind may call what,
the call with its parameters and the checks of who may touch an account."""

from starlette.requests import Request

VERSION = "5.199"

MESSAGES = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    9: "Flood control",
    10: "Internal server error",
    14: "Captcha needed",
    15: "Access denied",
    17: "Validation required: please open redirect_uri in browser",
    27: "Group authorization failed: method is unavailable with group auth.",
    29: "Rate limit reached",
    100: "One of the parameters specified was missing or invalid",
    203: "Access to group denied",
    210: "Access to wall's post denied",
    212: "Access to post comments denied",
    213: "Access to status replies denied",
    214: "Access to adding post denied",
    219: "Advertisement post was recently added",
    222: "Hyperlinks are forbidden",
    250: "Access to poll denied",
    251: "Invalid poll id",
    901: "Can't send messages for users without permission",
    902: "Can't send messages to this user due to their privacy settings",
    911: "Keyboard format is invalid",
    914: "Message is too long",
}

USER_ONLY = {
    "wall.post",
    "photos.getWallUploadServer",
    "photos.saveWallPhoto",
    "stats.get",
    "stats.getPostReach",
    "polls.create",
}
COMMUNITY_ONLY = {
    "messages.send",
    "messages.getHistory",
    "messages.sendMessageEventAnswer",
    "messages.isMessagesFromGroupAllowed",
    "groups.getLongPollServer",
    "groups.setLongPollSettings",
    "groups.getCallbackConfirmationCode",
    "groups.addCallbackServer",
    "groups.setCallbackSettings",
    "groups.deleteCallbackServer",
    "groups.getCallbackServers",
}


class VkError(Exception):
    def __init__(self, code: int, detail: str = "", **extra):
        message = MESSAGES.get(code, "Unknown error occurred")
        self.code, self.message = code, f"{message}: {detail}" if detail else message
        self.extra = extra


class Call:
    def __init__(self, request: Request, world, token, params: dict, files: dict):
        self.request, self.world, self.token = request, world, token
        self.params, self.files = params, files

    def base(self) -> str:
        return str(self.request.base_url)

    def int(self, name: str, default=None, required=False) -> int | None:
        value = self.params.get(name)
        if value in (None, ""):
            if required:
                raise VkError(100, f"{name} is undefined")
            return default
        try:
            return int(value)
        except ValueError:
            raise VkError(100, f"{name} not integer") from None

    def account_for_group(self, group_id) -> object:
        """The community this call acts on, checking the token may touch it."""
        if self.token.kind == "community" and group_id in (None, ""):
            return self.world.accounts[self.token.subject]
        account = self.world.by_external_id("vk", str(group_id).lstrip("-"))
        if account is None or account.kind != "community":
            raise VkError(100, "group_id is invalid")
        if not self.may_manage(account):
            raise VkError(203)
        return account

    def account_for_owner(self, owner_id, write=True):
        owner_id = self.int("owner_id", owner_id)
        if owner_id is None:
            if self.token.kind == "community":
                return self.world.accounts[self.token.subject]
            owner_id = int(self.token.subject)
        account = self.world.by_external_id("vk", abs(owner_id))
        if account is None or (owner_id < 0) != (account.kind == "community"):
            raise VkError(100, "owner_id is invalid")
        if write and not self.may_manage(account):
            raise VkError(214 if owner_id < 0 else 15)
        return account

    def may_manage(self, account) -> bool:
        if self.token.kind == "community":
            return self.token.subject == account.key
        return str(account.admin_user_id or account.external_id) == self.token.subject


def owner_of(account) -> int:
    return -account.external_id if account.kind == "community" else account.external_id
