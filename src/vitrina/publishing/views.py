"""The post page's publishing actions: retry, settle a check, delete from the networks.

The post page itself is content's; its buttons post here. Permissions are those of the
page: retrying, settling and deleting from one network are for those who may publish;
deleting a whole post from every network asks for a writer of posts who may publish.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.content import selectors as content_selectors
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.views.decorators import require
from vitrina.publishing import services

VARIANT_ACTIONS = {"retry", "published", "not_published", "delete_from_network"}


def _post_or_404(request, post_id):
    post = content_selectors.post_get(membership=request.membership, pk=post_id)
    if post is None:
        raise Http404
    return post


def _back_to_post(request, post):
    return redirect("content:post", org=request.organisation.slug, post_id=post.pk)


@require(rules.can_publish)
@require_POST
def variant_action(request, post_id, variant_id):
    """Retry, resolve a check or delete one variant from its network."""
    post = _post_or_404(request, post_id)
    variant = content_selectors.variant_get(membership=request.membership, post=post, pk=variant_id)
    if variant is None:
        raise Http404
    action = request.POST.get("action", "")
    if action not in VARIANT_ACTIONS:
        raise Http404
    try:
        if action == "retry":
            services.variant_retry(variant=variant, actor=request.user)
            messages.success(request, _("The variant will be published again."))
        elif action == "published":
            services.variant_resolve_check(
                variant=variant,
                actor=request.user,
                published=True,
                url=request.POST.get("url", "").strip(),
            )
            messages.success(request, _("Marked as published."))
        elif action == "not_published":
            services.variant_resolve_check(variant=variant, actor=request.user, published=False)
            messages.success(request, _("The variant will be published again."))
        elif action == "delete_from_network":
            services.variant_delete_from_network(variant=variant, actor=request.user)
            messages.success(request, _("The post is deleted from the network."))
    except ServiceError as error:
        messages.error(request, error.message)
    return _back_to_post(request, post)


@require(rules.can_write_posts)
@require_POST
def post_delete_from_networks(request, post_id):
    """Remove the post from every network it is on and cancel it where it is not yet."""
    post = _post_or_404(request, post_id)
    try:
        if not rules.can_publish(request.membership):
            raise ServiceError(_("Only editors delete published posts."), code="forbidden")
        deleted = services.post_delete_from_networks(post=post, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The post is deleted from the networks: %(count)s.") % {"count": deleted}
        )
    return _back_to_post(request, post)
