"""The flood limit: at most `limit` messages per user per minute.

With REDIS_URL the count is kept in Redis, so several instances share it; otherwise in this process,
bounded (only the most recent users are remembered), which suits the single polling instance.
"""

from __future__ import annotations

import time
import uuid
from collections import deque

from .state import LRU


class MemoryFlood:
    def __init__(self, limit: int, window: float = 60.0, max_users: int = 100_000):
        self.limit, self.window = limit, window
        self._windows: LRU[str, deque[float]] = LRU(max_users)

    async def hit(self, key: str) -> int:
        """Count one message; returns how many the user sent within the window (this one included)."""
        now = time.monotonic()
        window = self._windows.get(key)
        if window is None:
            window = deque()
            self._windows.put(key, window)
        while window and now - window[0] > self.window:
            window.popleft()
        window.append(now)
        return len(window)

    async def close(self) -> None:
        """Nothing to release."""


class RedisFlood:
    """A sliding one-minute window per user in Redis, as MemoryFlood but shared by the instances: a sorted
    set of message times per user (add, drop the old, count, expire: one round trip)."""

    def __init__(self, url: str, limit: int, window: float = 60.0):
        import redis.asyncio as redis

        self.limit, self.window = limit, window
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    async def hit(self, key: str) -> int:
        now = time.time()
        name = f"flood:{key}"
        member = f"{now:.6f}:{uuid.uuid4().hex[:8]}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(name, {member: now}).zremrangebyscore(name, 0, now - self.window).zcard(name)
            pipe.expire(name, int(self.window) + 1)
            _, _, count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self._redis.aclose()


def make_flood(limit: int, redis_url: str | None) -> MemoryFlood | RedisFlood:
    return RedisFlood(redis_url, limit) if redis_url else MemoryFlood(limit)
