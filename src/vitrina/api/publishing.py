"""Publishing's operations on a post's variants: retry, settle a check, delete from a network.

The same paths, schemas, tag and operation ids as when they were part of the posts' router,
so clients (and clients generated from the OpenAPI schema) see no difference.
"""

from django.utils.translation import gettext as _
from ninja import Field, Router

from vitrina.api.auth import membership_allowed
from vitrina.api.content import ERRORS, PostOut, post_out
from vitrina.api.errors import ApiError
from vitrina.api.schemas import BodyIn, Flag, Id
from vitrina.content import selectors as content_selectors
from vitrina.content.models import Post, Variant
from vitrina.core import rules
from vitrina.core.models import Membership
from vitrina.publishing import services

router = Router(tags=["content"])


class CheckIn(BodyIn):
    published: Flag
    url: str = Field("", max_length=300)


def _publisher_variant(
    request, org_slug: str, post_id: int, variant_id: int
) -> tuple[Membership, Post, Variant]:
    membership = membership_allowed(
        request, org_slug, rules.can_publish, _("Only administrators and editors do this.")
    )
    post = content_selectors.post_get(membership=membership, pk=post_id)
    if post is None:
        raise ApiError(404, "not_found", _("No such post."))
    variant = content_selectors.variant_get(membership=membership, post=post, pk=variant_id)
    if variant is None:
        raise ApiError(404, "not_found", _("No such variant."))
    return membership, post, variant


def _fresh(membership: Membership, post: Post) -> dict:
    return post_out(content_selectors.post_get(membership=membership, pk=post.pk))


@router.post(
    "/organisations/{org_slug}/posts/{post_id}/variants/{variant_id}/retry",
    response={200: PostOut, **ERRORS},
    summary="Send a failed variant again",
    operation_id="vitrina_api_content_variant_retry",
)
def variant_retry(request, org_slug: str, post_id: Id, variant_id: Id):
    membership, post, variant = _publisher_variant(request, org_slug, post_id, variant_id)
    services.variant_retry(variant=variant, actor=request.auth)
    return _fresh(membership, post)


@router.post(
    "/organisations/{org_slug}/posts/{post_id}/variants/{variant_id}/check",
    response={200: PostOut, **ERRORS},
    summary="Settle a variant that waits for a check: is the post on the network?",
    operation_id="vitrina_api_content_variant_check",
)
def variant_check(request, org_slug: str, post_id: Id, variant_id: Id, payload: CheckIn):
    membership, post, variant = _publisher_variant(request, org_slug, post_id, variant_id)
    services.variant_resolve_check(
        variant=variant, actor=request.auth, published=payload.published, url=payload.url
    )
    return _fresh(membership, post)


@router.post(
    "/organisations/{org_slug}/posts/{post_id}/variants/{variant_id}/delete-from-network",
    response={200: PostOut, **ERRORS},
    summary="Remove a published variant from its network",
    operation_id="vitrina_api_content_variant_delete_from_network",
)
def variant_delete_from_network(request, org_slug: str, post_id: Id, variant_id: Id):
    membership, post, variant = _publisher_variant(request, org_slug, post_id, variant_id)
    services.variant_delete_from_network(variant=variant, actor=request.auth)
    return _fresh(membership, post)
