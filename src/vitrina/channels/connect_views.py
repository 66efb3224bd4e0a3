"""Connecting a channel through its network's authorisation page, and the connection check.

Which networks connect this way, and how, their providers say (``oauth_label``,
``oauth_flow``). The OAuth callbacks live at one fixed address per network (the one
registered with the network), outside any organisation: the ``state`` kept in the session
says which channel of which organisation the authorisation is for, and the person's
membership is checked again.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vitrina.channels import selectors
from vitrina.channels.connect import (
    channel_check_connection,
    channel_store_oauth_tokens,
    oauth_flow,
)
from vitrina.channels.providers.errors import ProviderError
from vitrina.channels.providers.oauth import new_state
from vitrina.channels.views import channel_detail_page
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.selectors import membership_for
from vitrina.core.views.decorators import require

SESSION_PREFIX = "oauth:"


def _flow(network: str):
    flow = oauth_flow(network)
    if flow is None:
        raise Http404
    return flow


@require(rules.can_manage_channels)
@require_POST
def channel_connect(request, channel_id, network):
    """Send the person to the network's authorisation page for this channel."""
    flow = _flow(network)
    channel = selectors.channel_get(membership=request.membership, pk=channel_id)
    if channel is None or channel.network != network or channel.is_archived:
        raise Http404
    state = new_state()
    address, keep = flow.start(state)
    request.session[SESSION_PREFIX + state] = {
        "network": network,
        "channel_id": channel.pk,
        "org": request.organisation.slug,
        **keep,
    }
    return redirect(address)


def _pending(request, network):
    """The channel an authorisation answer is for, or 404 for anything unexpected."""
    state = request.GET.get("state", "")
    pending = request.session.pop(SESSION_PREFIX + state, None) if state else None
    if not pending or pending["network"] != network:
        raise Http404
    membership = membership_for(request.user, pending["org"])
    if membership is None or not rules.can_manage_channels(membership):
        raise Http404
    channel = selectors.channel_get(membership=membership, pk=pending["channel_id"])
    if channel is None:
        raise Http404
    return pending, channel


def _finish(request, channel, exchange):
    detail = redirect("channels:detail", org=channel.organisation.slug, channel_id=channel.pk)
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("The network did not grant access; nothing has changed."))
        return detail
    try:
        tokens = exchange()
        channel_store_oauth_tokens(channel=channel, tokens=tokens, actor=request.user)
        report = channel_check_connection(channel=channel, actor=request.user)
    except (ProviderError, ServiceError) as error:
        messages.error(request, error.message)
        return detail
    if report.can_post:
        messages.success(request, _("The channel is connected."))
    for problem in report.problems:
        messages.warning(request, problem)
    return detail


@require_GET
def oauth_callback(request, network):
    flow = _flow(network)
    pending, channel = _pending(request, network)
    return _finish(request, channel, lambda: flow.finish(request.GET.dict(), pending))


@require(rules.can_manage_channels)
@require_POST
def channel_check(request, channel_id):
    channel = selectors.channel_get(membership=request.membership, pk=channel_id)
    if channel is None:
        raise Http404
    try:
        report = channel_check_connection(channel=channel, actor=request.user)
    except (ProviderError, ServiceError) as error:
        messages.error(request, error.message)
        return redirect("channels:detail", org=request.organisation.slug, channel_id=channel.pk)
    # The check may have learned the account's id and subscribers: show them.
    channel = selectors.channel_get(membership=request.membership, pk=channel.pk)
    return channel_detail_page(request, channel, report=report)
