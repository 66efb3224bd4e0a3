"""Pages where those who manage channels choose how each channel's inbox receives."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vitrina.channels.providers.registry import connectable_networks, provider_class
from vitrina.channels.selectors import channel_get, channel_list
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.views.decorators import apply_service_error, require
from vitrina.inbox.forms import ReceivingForm
from vitrina.inbox.models import ReceiveMode
from vitrina.inbox.receiving import channel_inbox, channel_inboxes
from vitrina.inbox.receiving_setup import (
    receiving_to_polling,
    receiving_to_webhook,
    webhook_secret_shown,
    webhook_url,
)


@require(rules.can_manage_channels)
def receiving_list(request):
    """Every connectable channel with how its messages arrive and when the last one came."""
    channels = list(
        channel_list(membership=request.membership).filter(network__in=connectable_networks())
    )
    inboxes = channel_inboxes(channels)
    rows = [{"channel": channel, "inbox": inboxes.get(channel.pk)} for channel in channels]
    return render(request, "inbox/receiving_list.html", {"rows": rows})


@require(rules.can_manage_channels)
def receiving(request, channel_id):
    channel = channel_get(membership=request.membership, pk=channel_id)
    network = provider_class(channel.network) if channel is not None else None
    if network is None:
        raise Http404
    inbox = channel_inbox(channel)
    form = ReceivingForm(request.POST or None, initial={"mode": inbox.mode})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["mode"] == ReceiveMode.WEBHOOK:
                outcome = receiving_to_webhook(
                    channel=channel,
                    actor=request.user,
                    confirmation_code=form.cleaned_data["confirmation_code"],
                )
                messages.success(request, _("The network now sends messages to Vitrina."))
            else:
                outcome = receiving_to_polling(channel=channel, actor=request.user)
                messages.success(request, _("Vitrina now asks the network for new messages."))
            if outcome.warning:
                messages.warning(request, outcome.warning)
            return redirect("inbox:receiving", org=request.organisation.slug, channel_id=channel.pk)
        except ServiceError as error:
            apply_service_error(form, error)
            # The failure is noted on the inbox (setup_error): show it.
            inbox = channel_inbox(channel)
    webhooks = network.receiving.webhooks
    return render(
        request,
        "inbox/receiving.html",
        {
            "channel": channel,
            "receiving": network.receiving,
            "inbox": inbox,
            "form": form,
            "webhooks": webhooks,
            "address": webhook_url(inbox) if webhooks else "",
            "secret": webhook_secret_shown(channel) if inbox.mode == ReceiveMode.WEBHOOK else "",
            "insecure": webhooks and not webhook_url(inbox).startswith("https://"),
        },
        status=400 if form.errors else 200,
    )
