"""Webhook delivery for every emulated network that sends events (VK Callback API, Telegram
webhooks, MAX subscriptions): what is posted comes from the network's ``Emulator``.

Events are queued by the world and posted from one background task, with the network's
secret header, retried a few times on failure (the real networks retry for hours; a sandbox
run is short)."""

import asyncio
import logging
from collections import deque

import httpx

from .networks import emulator

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
        """Let the network check a newly registered address, where it does (VK asks a new
        callback server for its confirmation code)."""
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
        emulated = emulator(account.network)
        if event is None:
            await emulated.confirm(self, account)
            return
        request = emulated.webhook_request(self.world, account, event)
        if request is None:
            return
        body, headers = request
        for pause in (*RETRIES, None):
            response = await self.post(account.webhook["url"], body, headers)
            if (response is not None and emulated.accepted(response)) or pause is None:
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
