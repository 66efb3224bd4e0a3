"""What a variant becomes on the wire: the providers' ``Payload``."""

from vitrina.channels.providers.types import Payload, Photo, Poll
from vitrina.content.models import Variant


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
    return Payload(
        text=variant.effective_text,
        photos=photos,
        poll=poll,
        link=post.link_url or None,
        marker=variant.marker,
    )
