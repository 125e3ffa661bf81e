"""What the handlers share: the engine (catalogue, matcher, dialogue), the store and its batched writer,
the flood limit, the metrics, the settings, and the worker threads that keep blocking work off the loop."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from bot.catalogue import Procedure
from bot.engine import Engine
from bot.metrics import Metrics
from bot.settings import Settings
from db.repo import Store
from db.writer import BatchWriter

from .flood import MemoryFlood, RedisFlood, make_flood

P = ParamSpec("P")
T = TypeVar("T")
MOST_ASKED_SECONDS = 60.0


@dataclass
class Services:
    engine: Engine
    store: Store
    settings: Settings
    writer: BatchWriter = field(init=False)
    flood: MemoryFlood | RedisFlood = field(init=False)
    metrics: Metrics = field(default_factory=Metrics)
    pool: ThreadPoolExecutor = field(init=False)
    _most_asked: tuple[float, list[str]] = (0.0, [])

    def __post_init__(self) -> None:
        self.writer = BatchWriter(self.store)
        self.flood = make_flood(self.settings.flood_limit, self.settings.redis_url)
        self.pool = ThreadPoolExecutor(self.settings.worker_threads, thread_name_prefix="bot-work")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run blocking work (database, matching) in a worker thread; the event loop keeps serving."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, functools.partial(fn, *args, **kwargs))

    async def close(self) -> None:
        await self.run(self.writer.close)
        await self.flood.close()
        self.pool.shutdown(wait=False)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def most_asked(self, n: int) -> list[Procedure]:
        """The procedures citizens asked about most (counted in the database at most once a minute);
        curated cards fill the list when the log is young. Blocking: call through run()."""
        at, ids = self._most_asked
        if time.monotonic() - at > MOST_ASKED_SECONDS or len(ids) < n * 2 and at == 0.0:
            ids = self.store.most_asked(n * 2)
            self._most_asked = (time.monotonic(), ids)
        by_id = self.engine.catalogue.by_id
        procs = [by_id[i] for i in ids if i in by_id][:n]
        for p in self.engine.catalogue.procedures:
            if len(procs) >= n:
                break
            if p.is_curated and p not in procs:
                procs.append(p)
        return procs
