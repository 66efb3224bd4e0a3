"""Webhook delivery: VK Callback API, Telegram webhooks and MAX subscriptions.

Events are queued by the world and posted from one background task, with the network's
secret header, retried a few times on failure (the real networks retry for hours; a sandbox
run is short)."""

import asyncio
import logging
from collections import deque

import httpx

from . import max as max_api
from . import telegram, vk
from .state import derive

logger = logging.getLogger(__name__)

RETRIES = (0.5, 2.0, 5.0)


class Delivery:
    def __init__(self, world):
        self.world = world
        self.log: deque = deque(maxlen=100)
        self.task: asyncio.Task | None = None
        self.client: httpx.AsyncClient | None = None

    def start(self):
        self.world.outbox = asyncio.Queue()
        self.client = httpx.AsyncClient(timeout=5.0)
        self.task = asyncio.create_task(self.run())

    async def stop(self):
        if self.task:
            self.task.cancel()
        if self.client:
            await self.client.aclose()

    def attach(self, world):
        """Follow a fresh world after a reset, keeping the running queue."""
        world.outbox, self.world = self.world.outbox, world

    def confirm(self, account):
        """VK checks a new callback server by asking it for the confirmation code."""
        if self.world.outbox is not None:
            self.world.outbox.put_nowait((account.key, None))

    async def run(self):
        while True:
            key, event = await self.world.outbox.get()
            account = self.world.accounts.get(key)
            if account is None or not account.webhook:
                continue
            try:
                await self.deliver(account, event)
            except Exception:  # a broken receiver must not stop delivery for the others
                logger.exception("webhook delivery to %s failed", account.webhook.get("url"))

    async def deliver(self, account, event):
        hook = account.webhook
        headers = {}
        if account.network == "vk":
            if event is None:
                response = await self.post(hook["url"], vk.confirmation_body(account), headers)
                code = derive(self.world.seed, "confirm", account.key, length=8)
                ok = response is not None and response.text.strip() == code
                hook["status"] = "ok" if ok else "failed"
                return
            if hook.get("status") != "ok":
                return
            body = vk.callback_body(self.world, account, event)
            # Once setCallbackSettings chose the event types, only those are sent.
            if "events" in hook and body["type"] not in hook["events"]:
                return
        elif account.network == "telegram":
            body = telegram.update_json(account, event)
            if hook.get("secret"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret"]
        elif account.network == "max":
            body = max_api.webhook_body(self.world, account, event)
            if body is None:
                return
            if hook.get("secret"):
                headers["X-Max-Bot-Api-Secret"] = hook["secret"]
        else:
            return
        for pause in (*RETRIES, None):
            response = await self.post(hook["url"], body, headers)
            good = response is not None and response.status_code == 200
            if account.network == "vk":
                good = good and response.text.strip() == "ok"
            if good or pause is None:
                return
            await asyncio.sleep(pause)

    async def post(self, url, body, headers):
        try:
            response = await self.client.post(url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            self.log.append({"url": url, "status": None, "error": str(exc)})
            return None
        self.log.append({"url": url, "status": response.status_code, "type": body.get("type")})
        return response
