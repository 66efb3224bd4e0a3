"""Connecting a channel: OAuth with VK ID (PKCE) and OK, and the connection check.

The OAuth callbacks live at one fixed address per network (the one registered with the
network), outside any organisation: the ``state`` kept in the session says which channel of
which organisation the authorisation is for, and the person's membership is checked again.
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
    ok_oauth,
    vk_oauth,
)
from vitrina.channels.networks import Network
from vitrina.channels.providers.base import ProviderError
from vitrina.channels.providers.oauth import new_state, pkce_pair
from vitrina.channels.views import channel_detail_page
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.selectors import membership_for
from vitrina.core.views.decorators import require

SESSION_PREFIX = "oauth:"


def _channel(request, channel_id, network):
    channel = selectors.channel_get(membership=request.membership, pk=channel_id)
    if channel is None or channel.network != network or channel.is_archived:
        raise Http404
    return channel


def _remember(request, state: str, network: str, channel, **extra):
    request.session[SESSION_PREFIX + state] = {
        "network": network,
        "channel_id": channel.pk,
        "org": request.organisation.slug,
        **extra,
    }


@require(rules.can_manage_channels)
@require_POST
def channel_connect_vk(request, channel_id):
    channel = _channel(request, channel_id, Network.VK)
    verifier, challenge = pkce_pair()
    state = new_state()
    _remember(request, state, Network.VK, channel, verifier=verifier)
    return redirect(vk_oauth().authorize_url(state, challenge))


@require(rules.can_manage_channels)
@require_POST
def channel_connect_ok(request, channel_id):
    channel = _channel(request, channel_id, Network.OK)
    state = new_state()
    _remember(request, state, Network.OK, channel)
    return redirect(ok_oauth().authorize_url(state))


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
        tokens = exchange(request.GET["code"])
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
def oauth_vk_callback(request):
    pending, channel = _pending(request, Network.VK)
    device_id = request.GET.get("device_id", "")
    return _finish(
        request,
        channel,
        lambda code: vk_oauth().exchange(
            code, pending["verifier"], device_id, request.GET["state"]
        ),
    )


@require_GET
def oauth_ok_callback(request):
    _pending_state, channel = _pending(request, Network.OK)
    return _finish(request, channel, lambda code: ok_oauth().exchange(code))


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
    channel.refresh_from_db()
    return channel_detail_page(request, channel, report=report)
