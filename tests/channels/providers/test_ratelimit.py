"""The limiter: in-process and on Redis (db 5), the same token bucket."""

import os
import time
import uuid

import pytest

from vitrina.channels.providers.ratelimit import Limiter, LimitExceeded, RedisLimiter

REDIS_URL = os.environ.get("VITRINA_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_limiter(**kwargs):
    try:
        limiter = RedisLimiter(REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:", **kwargs)
        limiter.redis.ping()
    except Exception as exc:
        pytest.skip(f"Redis is not available: {exc}")
    return limiter


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request):
    def make(**kwargs):
        return Limiter(**kwargs) if request.param == "memory" else redis_limiter(**kwargs)

    return make


def test_burst_then_the_rate(make_limiter):
    limiter = make_limiter()
    waits = [limiter.reserve("token", rate=10, burst=3) for _ in range(5)]
    assert waits[:3] == [0, 0, 0]
    assert waits[3] == pytest.approx(0.1, abs=0.02)
    assert waits[4] == pytest.approx(0.2, abs=0.02)


def test_acquire_sleeps_until_the_slot(make_limiter):
    limiter = make_limiter()
    started = time.monotonic()
    for _ in range(4):
        limiter.acquire("k", rate=20, burst=1)
    assert time.monotonic() - started >= 0.14


def test_keys_are_independent(make_limiter):
    limiter = make_limiter()
    assert limiter.reserve("a", rate=1, burst=1) == 0
    assert limiter.reserve("b", rate=1, burst=1) == 0
    assert limiter.reserve("a", rate=1, burst=1) > 0


def test_too_long_a_wait_raises_without_reserving(make_limiter):
    limiter = make_limiter(max_wait=0.5)
    limiter.acquire("k", rate=1, burst=1)
    with pytest.raises(LimitExceeded):
        limiter.acquire("k", rate=1, burst=1)
