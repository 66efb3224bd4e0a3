"""Publishing's parts of other apps' pages: ``{% load publishing %}``.

The post page and the posts list are content's; what they show of publishing — the attempt
log of each variant and the notice that publishing has stalled — comes from here, so that
content's code needs nothing of publishing.
"""

from django import template

from vitrina.publishing.selectors import attempts_by_variant, publishing_stalled

register = template.Library()


@register.simple_tag
def publishing_attempts(variants):
    """``{% publishing_attempts variants as attempts %}``: every variant's log, one query."""
    return attempts_by_variant(variants)


@register.inclusion_tag("publishing/_attempts.html")
def attempt_log(attempts, variant):
    """``{% attempt_log attempts variant %}``: one variant's log, from the above, each
    attempt on the clock of the variant's channel."""
    return {"attempts": attempts.get(variant.pk, []), "variant": variant}


@register.inclusion_tag("publishing/_stalled.html", takes_context=True)
def publishing_stalled_notice(context):
    """``{% publishing_stalled_notice %}``: says plainly when due posts are not going out."""
    organisation = getattr(context.get("request"), "organisation", None)
    return {"publishing_stalled": organisation is not None and publishing_stalled(organisation)}
