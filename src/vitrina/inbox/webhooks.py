"""The public address every network posts its events to: ``/hooks/<network>/<token>/``.

One route serves every network that sends webhooks (its provider's ``receiving.webhooks``).
The unguessable token in the address only finds the channel; every request is then verified
by the network's own secret (VK ``secret``, Telegram and MAX secret headers) in the
provider's ``parse_webhook``. Events are stored before the answer is sent, and the answer is
fast so that the networks do not retry.
"""

import logging

from django.db import transaction
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vitrina.channels.connect import provider_account
from vitrina.channels.providers.errors import ProviderError
from vitrina.channels.providers.registry import get_provider, provider_class
from vitrina.core.client_address import client_address
from vitrina.inbox.names import names_later
from vitrina.inbox.receiving import events_store, hook_inbox, webhook_refused

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def receive(request, network: str, token: str):
    network_facts = provider_class(network)
    if network_facts is None or not network_facts.receiving.webhooks:
        raise Http404
    inbox = hook_inbox(network=network, token=token)
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
        webhook_refused(inbox=inbox, reason=result.body, ip_address=client_address(request))
    if result.events:
        events_store(channel=channel, events=result.events)
        if any(not event.author_name for event in result.events):
            # The network waits for a quick answer: names are asked for afterwards.
            transaction.on_commit(lambda: names_later(channel.pk))
    return HttpResponse(result.body, status=result.status, content_type="text/plain")
