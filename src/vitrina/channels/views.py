"""Pages of the channels registry."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.channels import selectors, services
from vitrina.channels.connect import channel_secret_enter
from vitrina.channels.export import KEY as REGISTRY_DOCUMENT
from vitrina.channels.forms import ChannelFilterForm, ChannelForm, SecretForm
from vitrina.channels.networks import SecretKind
from vitrina.channels.providers.registry import kinds_by_network, provider_class
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.exports import formats
from vitrina.core.exports import registry as exports
from vitrina.core.exports.sections import XLSX
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import apply_service_error, require


def _filters(request):
    libraries = library_list(membership=request.membership)
    form = ChannelFilterForm(request.GET or None, libraries=libraries)
    filters = selectors.ChannelFilter()
    if form.is_valid():
        library = form.cleaned_data["library"]
        filters = selectors.ChannelFilter(
            library_id=library.pk if library else None,
            network=form.cleaned_data["network"],
            archived=form.cleaned_data["archived"],
        )
    return form, filters


def channel_list(request):
    form, filters = _filters(request)
    channels = selectors.channel_list(membership=request.membership, filters=filters)
    return render(
        request,
        "channels/channel_list.html",
        {
            "channels": channels,
            "filter_form": form,
            "filters": filters,
            "can_manage": rules.can_manage_channels(request.membership),
            "query": request.GET.urlencode(),
        },
    )


def channel_export(request):
    _form, filters = _filters(request)
    document = exports.document(REGISTRY_DOCUMENT, membership=request.membership, filters=filters)
    filename = f"channels-{request.organisation.slug}-{timezone.localdate():%Y-%m-%d}"
    return formats.response(document, XLSX, filename=filename)


def _channel_or_404(request, channel_id):
    channel = selectors.channel_get(membership=request.membership, pk=channel_id)
    if channel is None:
        raise Http404
    return channel


def channel_detail(request, channel_id):
    return channel_detail_page(request, _channel_or_404(request, channel_id))


def channel_detail_page(request, channel, report=None):
    """The channel's page; ``report`` is the outcome of a connection check just made."""
    secrets = selectors.channel_secrets(channel)
    network = provider_class(channel.network)
    enterable = network.enterable_secrets() if network else []
    return render(
        request,
        "channels/channel_detail.html",
        {
            "channel": channel,
            "secret_rows": [
                {
                    "kind": spec.kind,
                    "label": SecretKind(spec.kind).label,
                    "help": spec.help,
                    "secret": secrets.get(spec.kind),
                    "form": SecretForm(prefix=spec.kind),
                }
                for spec in enterable
            ],
            "can_manage": rules.can_manage_channels(request.membership),
            "report": report,
            # Connected through the network's own authorisation page, not a pasted token.
            "oauth_label": network.oauth_label if network else "",
        },
    )


@require(rules.can_manage_channels)
def channel_edit(request, channel_id=None):
    channel = _channel_or_404(request, channel_id) if channel_id else None
    libraries = library_list(membership=request.membership)
    form = ChannelForm(request.POST or None, instance=channel, libraries=libraries)
    if request.method == "POST" and form.is_valid():
        try:
            if channel is None:
                channel = services.channel_create(
                    organisation=request.organisation, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("The channel is in the registry."))
            else:
                services.channel_update(channel=channel, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Saved."))
            return redirect("channels:detail", org=request.organisation.slug, channel_id=channel.pk)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request,
        "channels/channel_form.html",
        {"form": form, "channel": channel, "kinds_by_network": kinds_by_network()},
    )


@require(rules.can_manage_channels)
@require_POST
def channel_archive(request, channel_id):
    channel = _channel_or_404(request, channel_id)
    archive = request.POST.get("action") != "restore"
    try:
        services.channel_set_archived(channel=channel, actor=request.user, archived=archive)
        messages.success(
            request,
            _("The channel is archived.") if archive else _("The channel is restored."),
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("channels:detail", org=request.organisation.slug, channel_id=channel.pk)


@require(rules.can_manage_channels)
@require_POST
def channel_secret(request, channel_id):
    channel = _channel_or_404(request, channel_id)
    kind = request.POST.get("kind", "")
    network = provider_class(channel.network)
    spec = network.secret_spec(kind) if network else None
    if spec is None or not spec.enterable:
        raise Http404
    if request.POST.get("action") == "remove":
        services.channel_secret_clear(channel=channel, kind=kind, actor=request.user)
        messages.success(request, _("The token is removed."))
        return redirect("channels:detail", org=request.organisation.slug, channel_id=channel.pk)
    form = SecretForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            _secret, warning = channel_secret_enter(
                channel=channel, kind=kind, value=form.cleaned_data["value"], actor=request.user
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if warning:
                messages.warning(request, warning)
            else:
                messages.success(
                    request,
                    _("The network accepted the token; it is saved and will not be shown again."),
                )
    else:
        messages.error(request, _("Paste the token."))
    return redirect("channels:detail", org=request.organisation.slug, channel_id=channel.pk)
