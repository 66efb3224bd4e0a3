"""Pages where those who manage channels choose how each channel's inbox receives."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vitrina.channels.networks import CONNECTABLE
from vitrina.channels.selectors import channel_get, channel_list
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.views.decorators import apply_service_error, require
from vitrina.inbox.forms import ReceivingForm
from vitrina.inbox.models import ChannelInbox, ReceiveMode
from vitrina.inbox.receiving import channel_inbox
from vitrina.inbox.receiving_setup import (
    WEBHOOK_NETWORKS,
    receiving_to_polling,
    receiving_to_webhook,
    webhook_secret_shown,
    webhook_url,
)


@require(rules.can_manage_channels)
def receiving_list(request):
    """Every connectable channel with how its messages arrive and when the last one came."""
    channels = list(channel_list(membership=request.membership).filter(network__in=CONNECTABLE))
    inboxes = {
        inbox.channel_id: inbox
        for inbox in ChannelInbox.objects.filter(channel__in=[c.pk for c in channels])
    }
    rows = [{"channel": channel, "inbox": inboxes.get(channel.pk)} for channel in channels]
    return render(request, "inbox/receiving_list.html", {"rows": rows})


@require(rules.can_manage_channels)
def receiving(request, channel_id):
    channel = channel_get(membership=request.membership, pk=channel_id)
    if channel is None or channel.network not in CONNECTABLE:
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
            inbox.refresh_from_db()
    webhooks = channel.network in WEBHOOK_NETWORKS
    return render(
        request,
        "inbox/receiving.html",
        {
            "channel": channel,
            "inbox": inbox,
            "form": form,
            "webhooks": webhooks,
            "address": webhook_url(inbox) if webhooks else "",
            "secret": webhook_secret_shown(channel) if inbox.mode == ReceiveMode.WEBHOOK else "",
            "insecure": webhooks and not webhook_url(inbox).startswith("https://"),
        },
        status=400 if form.errors else 200,
    )
