"""Signals of posts that other parts of Vitrina follow without the posts knowing them."""

from django.dispatch import Signal

# Sent inside the transaction that sets a post's pictures anew (in bulk, so no model
# signal tells): ``post``.
post_media_changed = Signal()
