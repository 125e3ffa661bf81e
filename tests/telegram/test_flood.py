"""The flood limit: the same sliding window in process memory and in Redis (shared by instances)."""

import asyncio
import uuid

from bot.telegram.flood import MemoryFlood, RedisFlood


def test_memory_and_redis_count_alike():
    async def counts(flood):
        key = uuid.uuid4().hex
        out = [await flood.hit(key) for _ in range(5)]
        out.append(await flood.hit(key + "-other"))
        await flood.close()
        return out

    assert asyncio.run(counts(MemoryFlood(3))) == [1, 2, 3, 4, 5, 1]
    assert asyncio.run(counts(RedisFlood("redis://127.0.0.1:6379/0", 3))) == [1, 2, 3, 4, 5, 1]


def test_memory_flood_is_bounded():
    flood = MemoryFlood(3, max_users=100)

    async def many():
        for user in range(1000):
            await flood.hit(str(user))

    asyncio.run(many())
    assert len(flood._windows) == 100
