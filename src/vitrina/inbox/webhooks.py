"""Public addresses the networks post events to, one per channel.

The unguessable token in the address only finds the channel; every request is then verified
by the network's own secret (VK ``secret``, Telegram and MAX secret headers) in the
provider's ``parse_webhook``. Events are stored before the answer is sent, and the answer is
fast so that the networks do not retry.
"""

import logging

from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vitrina.channels.connect import provider_account
from vitrina.channels.providers.base import ProviderError, get_provider
from vitrina.core.audit import audit_record
from vitrina.inbox.models import ChannelInbox
from vitrina.inbox.receiving import events_store

logger = logging.getLogger(__name__)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def receive(request, network: str, token: str):
    inbox = (
        ChannelInbox.objects.select_related("channel__organisation")
        .filter(hook_token=token, channel__network=network, channel__archived_at__isnull=True)
        .first()
    )
    if inbox is None:
        raise Http404
    channel = inbox.channel
    # Only the webhook secret is needed: never refresh an OAuth token inside the answer.
    account = provider_account(channel, refresh=False)
    account.extra["confirmation_code"] = inbox.confirmation_code
    try:
        result = get_provider(network).parse_webhook(account, request.headers, request.body)
    except ProviderError as error:
        logger.warning("webhook of channel %s refused: %s", channel.pk, error)
        return HttpResponse("unsupported", status=400, content_type="text/plain")
    if result.status == 403:
        ChannelInbox.objects.filter(pk=inbox.pk).update(refused_at=timezone.now())
        audit_record(
            action="inbox.webhook_refused",
            organisation=channel.organisation,
            actor=None,
            obj=channel,
            changes={"reason": result.body, "network": network},
            ip_address=_client_ip(request),
        )
        logger.warning("webhook of channel %s refused: %s", channel.pk, result.body)
    if result.events:
        events_store(channel=channel, events=result.events)
        if any(not event.author_name for event in result.events):
            # The network waits for a quick answer: names are asked for afterwards.
            from vitrina.inbox.names import names_later

            transaction.on_commit(lambda: names_later(channel.pk))
    return HttpResponse(result.body, status=result.status, content_type="text/plain")


@csrf_exempt
@require_POST
def vk_hook(request, token: str):
    return receive(request, "vk", token)


@csrf_exempt
@require_POST
def telegram_hook(request, token: str):
    return receive(request, "telegram", token)


@csrf_exempt
@require_POST
def max_hook(request, token: str):
    return receive(request, "max", token)
