"""What a variant becomes on the wire: the providers' ``Payload``.

A module above publishing may change the text and link on the way out (the strategy puts
the library's own addresses behind its short links): it registers a function
``(variant, text, link) -> (text, link)`` from its ``AppConfig.ready()``, and publishing
never imports it. Such a function must give the same result for the same variant every
time, since a retried or reconciled publication builds its payload again.
"""

from collections.abc import Callable

from vitrina.channels.providers.types import Payload, Photo, Poll
from vitrina.content.models import Variant

Rewrite = Callable[[Variant, str, str | None], tuple[str, str | None]]
_rewrites: list[Rewrite] = []


def register_rewrite(rewrite: Rewrite) -> Rewrite:
    """Add a rewrite of the text and link (kept once when registered again)."""
    if rewrite not in _rewrites:
        _rewrites.append(rewrite)
    return rewrite


def build_payload(variant: Variant) -> Payload:
    post = variant.post
    photos = []
    for item in post.media_items.select_related("asset").order_by("position", "id"):
        asset = item.asset
        with asset.file.open("rb") as handle:
            content = handle.read()
        photos.append(
            Photo(
                content=content,
                filename=asset.original_name or "photo.jpg",
                alt=asset.alt_text,
                content_type=asset.content_type,
            )
        )
    poll = None
    if post.poll_question and post.poll_answers:
        poll = Poll(
            question=post.poll_question,
            answers=list(post.poll_answers),
            anonymous=post.poll_anonymous,
            multiple=post.poll_multiple,
            end_date=post.poll_ends_at,
        )
    text, link = variant.effective_text, post.link_url or None
    for rewrite in _rewrites:
        text, link = rewrite(variant, text, link)
    return Payload(
        text=text,
        photos=photos,
        poll=poll,
        link=link,
        marker=variant.marker,
    )
