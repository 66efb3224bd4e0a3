"""The sandbox as one ASGI application: every network, OAuth, control and the human page."""

import asyncio
import contextlib
import json
import logging
from dataclasses import replace
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route

from . import control, oauth, pages
from .delivery import Delivery
from .faults import Fault, Faults
from .library_systems import irbis, koha, koha_control, koha_page
from .networks import emulators
from .state import Settings, World

logger = logging.getLogger(__name__)


def create_app(
    seed: int = 42,
    faults: list[Fault] | None = None,
    settings: Settings | None = None,
    state_file: str | Path | None = None,
    irbis_port: int | None = 0,
    irbis_host: str = "127.0.0.1",
) -> Starlette:
    """``irbis_port``: where the IRBIS64 emulator listens (0: a free port; None: it does
    not listen, its control still answers)."""
    state_path = Path(state_file) if state_file else None
    if state_path and state_path.exists():
        world = World.load(json.loads(state_path.read_text()))
    else:
        world = World(seed=seed, settings=replace(settings) if settings else None)
    registry = Faults(seed)
    for fault in faults or []:
        registry.add(fault)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        app.state.delivery.start()
        if irbis_port is not None:
            app.state.irbis.start()
        saver = asyncio.create_task(_keep_saved(app, state_path)) if state_path else None
        yield
        if saver:
            saver.cancel()
            app.state.world.save(state_path)
        await app.state.delivery.stop()
        app.state.irbis.stop()

    async def home(request):
        return RedirectResponse("/sandbox/")

    routes = [
        Route("/", home),
        Route("/sandbox/", pages.index),
        Route("/sandbox/style.css", pages.style),
        Route("/sandbox/dialogs", pages.dialogs),
        Route("/sandbox/dialog", pages.dialog, methods=["GET", "POST"]),
        Route("/sandbox/start", pages.start),
        *(route for network in emulators() for route in network.routes),
        *oauth.routes,
        *control.routes,
        *irbis.routes,
        *koha.routes,
        *koha_control.routes,
        *koha_page.routes,
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.world = world
    app.state.faults = registry
    app.state.initial_settings = replace(settings) if settings else Settings()
    app.state.delivery = Delivery(world)
    app.state.irbis = irbis.IrbisEmulator(
        seed=world.seed, host=irbis_host, port=irbis_port or 0, clock=lambda: app.state.world.now()
    )
    return app


async def _keep_saved(app, path: Path):
    """Write the state every few seconds, so a killed sandbox loses little."""
    while True:
        await asyncio.sleep(5)
        try:
            app.state.world.save(path)
        except OSError:
            logger.exception("could not save the sandbox state to %s", path)
