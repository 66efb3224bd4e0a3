"""What the benchmarks that run the real thing share: their own PostgreSQL database, a
clean Redis, and the sandbox in a process of its own."""

import os
import subprocess
import sys
import time

import httpx

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}")


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(os.environ["VITRINA_REDIS_URL"]).flushdb()


def start_sandbox(settings: str = "readers=False") -> tuple[subprocess.Popen, str]:
    """The sandbox on a free port; ``settings`` are the keyword arguments of its Settings."""
    from vitrina.sandbox.server import free_port

    port = free_port()
    code = (
        "from vitrina.sandbox.server import serve; from vitrina.sandbox.state import Settings; "
        f"serve(port={port}, settings=Settings({settings}))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{url}/sandbox/control/clock", timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the sandbox did not start")
