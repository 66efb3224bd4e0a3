"""``{% load network_links %}``: a channel's and a post's address on its network (the
sandbox's page in the demo, ``channels.sandbox_links``)."""

from django import template

from vitrina.channels import sandbox_links

register = template.Library()


@register.filter
def channel_address(channel) -> str:
    return sandbox_links.channel_address(channel)


@register.filter
def variant_address(variant) -> str:
    return sandbox_links.post_address(variant.channel, variant.external_id, variant.external_url)
