import pytest

from vitrina.sandbox.testing import SandboxClient, start_sandbox


@pytest.fixture(scope="session")
def sandbox_server():
    server = start_sandbox(seed=42)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server):
    client = SandboxClient(sandbox_server.url)
    client.reset()
    yield client
    client.http.close()
