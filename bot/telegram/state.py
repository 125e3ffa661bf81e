"""What the Application keeps between updates, typed: the services, and small bounded per-process caches.

Nothing here may be needed for correctness across instances: what instances must share (languages,
follows, the flood limit, handled update ids) lives in the database or Redis.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from telegram.ext import CallbackContext, ContextTypes, ExtBot

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A dict bounded in size, whose entries also expire after `ttl` seconds (None: never)."""

    def __init__(self, maxsize: int, ttl: float | None = None, clock: Callable[[], float] = time.monotonic):
        self.maxsize, self.ttl, self._clock = maxsize, ttl, clock
        self._data: OrderedDict[K, tuple[V, float]] = OrderedDict()

    def get(self, key: K) -> V | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, at = item
        if self.ttl is not None and self._clock() - at > self.ttl:
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = (value, self._clock())
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def pop(self, key: K) -> None:
        self._data.pop(key, None)

    def __len__(self) -> int:
        return len(self._data)


class BotData:
    """Application.bot_data: created empty by PTB, filled by build_application."""

    def __init__(self) -> None:
        from .services import Services

        self.services: Services | None = None
        self.snapshot: int | None = None  # fingerprint of the knowledge folder at the last (re)load


BotContext = CallbackContext[ExtBot[None], dict, dict, BotData]
CONTEXT_TYPES = ContextTypes(context=CallbackContext, bot_data=BotData)
