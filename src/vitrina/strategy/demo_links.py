"""The demo's short links: the library's site behind the last published posts of each
demo organisation, with a month of clicks, so the dashboard and the report show traffic
to the library's own resources. The clicks are made up (the demo has no readers) but
counted the way real ones are stored: per link and hour."""

import random
from datetime import timedelta

from django.utils import timezone

from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.strategy.links import FIELDS, organisation_libraries, resource_of
from vitrina.strategy.models import ShortLink, ShortLinkClicks


def _address(library, resource: str, number: int) -> str:
    base = getattr(library, dict(FIELDS)[resource]).rstrip("/")
    return f"{base}/?utm_source=demo&utm_medium=social&utm_campaign=post{number}"


def load(context: dict) -> None:
    generator = random.Random(42)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for organisation in context["organisations"].values():
        libraries = [lib for lib in organisation_libraries(organisation.pk) if lib.website_url]
        if not libraries:
            continue
        variants = (
            Variant.objects.filter(post__organisation=organisation, state=VariantState.PUBLISHED)
            .select_related("post")
            .order_by("-published_at")[:12]
        )
        for number, variant in enumerate(variants):
            library = libraries[number % len(libraries)]
            url = _address(library, "site", number)
            match = resource_of(url, [library])
            link, _made = ShortLink.objects.get_or_create(
                variant=variant,
                target_url=url,
                defaults={
                    "organisation": organisation,
                    "library": library,
                    "code": f"demo{organisation.pk}x{number}",
                    "resource": match.resource,
                    "title": str(variant.post)[:200],
                    "post": variant.post,
                    "channel_id": variant.channel_id,
                    "rubric_id": variant.post.rubric_id,
                },
            )
            published = variant.published_at or now - timedelta(days=number)
            hours = []
            for day in range(30):
                hour = now - timedelta(days=day, hours=generator.randrange(0, 12))
                if hour < published:
                    continue
                # A post is clicked most in its first days.
                count = max(0, int(generator.gauss(12 / (1 + (hour - published).days), 2)))
                if count:
                    hours.append(ShortLinkClicks(link=link, hour=hour, count=count))
            ShortLinkClicks.objects.bulk_create(hours, ignore_conflicts=True)
