from tests.publishing.conftest import connect, networks, sandbox, sandbox_server, schedule

__all__ = ["connect", "networks", "sandbox", "sandbox_server", "schedule"]
