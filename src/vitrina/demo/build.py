"""Loads (or reloads) the whole demo in one transaction.

The organisations come first (``organisations.load``); then every installed app's
``<app>.demo`` module runs its ``load(context)``, in the order of their ``DEMO_ORDER``, each
seeing what the previous steps made in ``context`` (users, organisations, libraries,
channels, the sandbox's client and what the steps add).
"""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.db import transaction

from vitrina.content.models import Post
from vitrina.core.models import Organisation, User
from vitrina.demo import organisations
from vitrina.readers.models import Reader
from vitrina.sandbox.for_demo import connect_channels

DEMO_SLUGS = (organisations.KNMB["slug"], organisations.MEDNOGORSK["slug"])
DEMO_USERNAMES = [username for username, *_rest in organisations.PEOPLE]


class DemoRefused(Exception):
    pass


@dataclass(frozen=True)
class Step:
    app: str
    order: int
    load: object


def steps() -> list[Step]:
    """Every installed app's demo step, in order."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name == __package__ or find_spec(name) is None:
            continue
        module = import_module(name)
        found.append(Step(config.label, module.DEMO_ORDER, module.load))
    return sorted(found, key=lambda step: (step.order, step.app))


def demo_exists() -> bool:
    return Organisation.objects.filter(slug__in=DEMO_SLUGS).exists()


@transaction.atomic
def build_demo(*, reset: bool = False, sandbox=None) -> dict | None:
    """``sandbox``: a ``SandboxClient`` of the running networks' sandbox; with it the demo's
    channels are connected to it and readers' conversations are made there."""
    if not settings.DEMO_MODE:
        raise DemoRefused("The demo loads only in demo mode (VITRINA_DEMO=1).")
    if demo_exists():
        if not reset:
            return None
        # Posts first: their pictures hold the media library's files, which go with the
        # organisation.
        Post.objects.filter(organisation__slug__in=DEMO_SLUGS).delete()
        # Readers hold on to their library-system connections (protected).
        Reader.objects.filter(organisation__slug__in=DEMO_SLUGS).delete()
        Organisation.objects.filter(slug__in=DEMO_SLUGS).delete()
        User.objects.filter(username__in=DEMO_USERNAMES).delete()
    context = organisations.load()
    context["sandbox"] = sandbox
    if sandbox is not None:
        # The steps publish and converse through the sandbox's networks.
        connect_channels(context["channels"], sandbox=sandbox)
    for step in steps():
        step.load(context)
    return context
