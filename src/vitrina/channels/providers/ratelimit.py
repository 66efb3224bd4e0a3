"""One rate limiter for every network token.

A token bucket per key (a token, or a token and a chat): ``rate`` requests a second, at most
``burst`` at once. With Redis configured the buckets live in Redis and are updated by a Lua
script, so every worker on every machine shares them; otherwise they live in the process.
A caller reserves its slot and sleeps until it is due, so waiting costs one round trip.
The providers set their rates a little under each network's published limit, which keeps
Vitrina from ever provoking VK error 6 or a Telegram 429.
"""

import threading
import time

import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Returns the seconds to wait for the reserved slot, or -1 if that would exceed max_wait
# (then nothing is reserved). Redis' own clock keeps all workers consistent.
LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'level', 'stamp')
local level = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
level = math.min(burst, level + (now - stamp) * rate)
local wait = 0
if level < 1 then wait = (1 - level) / rate end
if wait > max_wait then return '-1' end
level = level - 1
redis.call('HSET', KEYS[1], 'level', tostring(level), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst + 1) / rate * 1000) + 1000)
return tostring(wait)
"""


class LimitExceeded(Exception):
    def __init__(self, retry_after: float):
        super().__init__(f"retry after {retry_after:.2f}s")
        self.retry_after = retry_after


class Limiter:
    """In-process buckets; ``RedisLimiter`` shares the same behaviour across processes."""

    def __init__(self, max_wait: float = 30.0, sleep=time.sleep):
        self.max_wait, self.sleep = max_wait, sleep
        self.buckets: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def reserve(self, key: str, rate: float, burst: float) -> float:
        with self.lock:
            now = time.monotonic()
            level, stamp = self.buckets.get(key, (burst, now))
            level = min(burst, level + (now - stamp) * rate)
            wait = (1 - level) / rate if level < 1 else 0.0
            if wait > self.max_wait:
                return -1.0
            self.buckets[key] = [level - 1, now]
            return wait

    def acquire(self, key: str, rate: float, burst: float = 1) -> float:
        """Block until a request under ``key`` is allowed; returns the seconds waited."""
        if rate <= 0:
            return 0.0
        wait = self.reserve(key, rate, max(1.0, burst))
        if wait < 0:
            raise LimitExceeded(self.max_wait)
        if wait:
            self.sleep(wait)
        return wait


class RedisLimiter(Limiter):
    def __init__(self, url: str, prefix: str = "vitrina:rl:", **kwargs):
        super().__init__(**kwargs)
        self.redis = redis.Redis.from_url(url)
        self.script = self.redis.register_script(LUA)
        self.prefix = prefix

    def reserve(self, key: str, rate: float, burst: float) -> float:
        return float(self.script(keys=[self.prefix + key], args=[rate, burst, self.max_wait]))


_default: Limiter | None = None


def default_limiter() -> Limiter:
    """Redis-backed when ``settings.REDIS_URL`` is set, in-process otherwise."""
    global _default
    if _default is None:
        try:
            url = getattr(settings, "REDIS_URL", "")
        except ImproperlyConfigured:  # used without Django's settings (a bench, a script)
            url = ""
        _default = RedisLimiter(url) if url else Limiter()
    return _default
