"""The module navigation: each app registers its entries when it is ready.

Only modules that exist register, so an unfinished module is simply absent.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from vitrina.core.models import Membership


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int
    visible: Callable[[Membership], bool] = lambda membership: True
    # An address (URL name, kwarg ``org``) answering ``{"count": n}``: the page loads the
    # number afterwards, so no module adds queries to every page.
    badge_url_name: str = ""


_registry: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _registry[item.key] = item


def items_for(membership: Membership, current_path: str) -> list[dict]:
    entries = []
    for item in sorted(_registry.values(), key=lambda entry: entry.order):
        if not item.visible(membership):
            continue
        url = reverse(item.url_name, kwargs={"org": membership.organisation.slug})
        entries.append(
            {
                "key": item.key,
                "label": item.label,
                "url": url,
                "active": current_path.startswith(url),
                "badge_url": reverse(
                    item.badge_url_name, kwargs={"org": membership.organisation.slug}
                )
                if item.badge_url_name
                else "",
            }
        )
    return entries
