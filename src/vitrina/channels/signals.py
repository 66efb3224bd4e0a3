"""Signals of the channels' life that other parts of Vitrina follow without the channels
knowing them."""

from django.dispatch import Signal

# Sent inside the transaction that archives or restores a channel: ``channel``, ``archived``.
channel_archived = Signal()
