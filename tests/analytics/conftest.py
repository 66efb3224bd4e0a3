"""The demo over its own sandbox, for the tests that read what a round collects into it."""

import pytest

from vitrina.channels.models import Channel
from vitrina.demo.build import build_demo
from vitrina.sandbox.for_demo import connect_channels
from vitrina.sandbox.testing import SandboxClient, start_sandbox


@pytest.fixture(scope="module")
def demo_sandbox():
    """The demo's own sandbox (seed 42): the demo's channels hold its accounts' tokens."""
    server = start_sandbox(seed=42)
    yield SandboxClient(server.url)
    server.stop()


@pytest.fixture
def demo(settings, demo_sandbox):
    """The demo built, its channels connected to the sandbox (nothing collected yet)."""
    demo_sandbox.reset()
    for name, network in [("VK", "vk"), ("OK", "ok"), ("TELEGRAM", "telegram"), ("MAX", "max")]:
        setattr(settings, f"{name}_API_URL", demo_sandbox.api_url(network))
    apps = demo_sandbox.http.get("/sandbox/control/apps").json()
    settings.OK_APPLICATION_KEY = apps["ok"]["application_key"]
    settings.OK_CLIENT_SECRET = apps["ok"]["secret"]
    settings.DEMO_MODE = True
    settings.LANGUAGE_CODE = "ru"
    build_demo()
    connect_channels(Channel.objects.all())
