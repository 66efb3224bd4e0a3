"""Running the sandbox: ``serve()`` for the command line, ``SandboxServer`` in a thread for
tests, the demo and benchmarks."""

import socket
import threading
import time

import uvicorn

from .app import create_app
from .faults import Fault
from .state import Settings


def parse_fault(text: str) -> Fault:
    """``vk:wall.post:error_rate=0.1,latency_ms=200`` → a fault rule (method is optional)."""
    head, _, options = text.rpartition(":") if "=" in text else (text, "", "")
    network, _, method = head.partition(":")
    values = {"network": network or "*", "method": method or "*"}
    for item in filter(None, options.split(",")):
        name, _, value = item.partition("=")
        values[name.strip()] = value.strip()
    fault = Fault.from_dict(values)
    for name in ("error_rate", "timeout_rate", "timeout_seconds", "drop_rate"):
        setattr(fault, name, float(getattr(fault, name)))
    fault.latency_ms = int(fault.latency_ms)
    if fault.count is not None:
        fault.count = int(fault.count)
    return fault


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    seed: int = 42,
    faults: list[str] | None = None,
    state_file: str | None = None,
    settings: Settings | None = None,
    log_level: str = "warning",
    expired_tokens: list[str] = (),
    irbis_port: int | None = 0,
):
    """Serve the sandbox until interrupted; ``expired_tokens`` lists networks whose tokens
    start out expired (to rehearse reconnecting)."""
    app = create_app(
        seed=seed,
        faults=[parse_fault(f) for f in faults or []],
        settings=settings,
        state_file=state_file,
        irbis_port=irbis_port,
        irbis_host=host,
    )
    for network in expired_tokens:
        app.state.world.expire(network)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class SandboxServer:
    """The sandbox on a free local port in a background thread."""

    def __init__(
        self,
        seed: int = 42,
        settings: Settings | None = None,
        port: int | None = None,
        state_file=None,
        irbis_port: int | None = 0,
    ):
        """``irbis_port``: the IRBIS64 emulator's port, 0 for a free one."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(
            seed=seed, settings=settings, state_file=state_file, irbis_port=irbis_port
        )
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="sandbox", daemon=True)

    def start(self) -> "SandboxServer":
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is taken")
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.02)
        return self

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=5)

    @property
    def world(self):
        return self.app.state.world

    @property
    def irbis(self):
        """The IRBIS64 emulator (``irbis.port`` once started)."""
        return self.app.state.irbis
