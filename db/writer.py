"""Batched writes: the question log, feedback and "user seen" rows are queued by the handlers (never
waiting for the database) and written by one background thread, a batch per transaction.

A slow or locked database only delays these rows; replies go on. Rows wait in memory while the
database is unreachable (up to `max_pending`, then the oldest log rows are dropped and counted), and
`flush()` writes everything queued so far (used by /forget, before deleting, and at shutdown).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from .models import Feedback, QueryLog, UserRow
from .repo import Store, clean_text

log = logging.getLogger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Batch:
    queries: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.queries) + len(self.feedback) + len(self.users)


class BatchWriter:
    def __init__(self, store: Store, interval: float = 0.25, max_batch: int = 1000, max_pending: int = 200_000,
                 seen_cache: int = 50_000, seen_seconds: float = 600.0):
        self.store = store
        self.interval, self.max_batch, self.max_pending = interval, max_batch, max_pending
        self.seen_seconds, self._seen_max = seen_seconds, seen_cache
        self._seen: OrderedDict[str, tuple[int | None, float]] = OrderedDict()  # user hash -> (chat id, when)
        self._batch = _Batch()
        self._cond = threading.Condition()
        self._queued = 0  # rows queued so far
        self._written = 0  # rows written (or dropped) so far
        self._flush_target = 0  # flush() waits for _written to reach this
        self.dropped = 0
        self.failures = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="db-writer", daemon=True)
        self._thread.start()

    # --- what handlers call (never blocks on the database) --------------------------------------------

    def log_query(self, user_id: int, text: str, kind: str, proc_id: str | None = None, score: float | None = None,
                  aspect: str | None = None, lang: str = "vi", reply_ms: float | None = None) -> None:
        row = {"user_hash": self.store.user_hash(user_id), "text": clean_text(text), "kind": kind,
               "proc_id": proc_id, "score": score, "aspect": aspect, "lang": lang, "reply_ms": reply_ms,
               "created_at": _now()}
        self._add(lambda b: b.queries.append(row))

    def add_feedback(self, user_id: int, proc_id: str, useful: bool) -> None:
        row = {"user_hash": self.store.user_hash(user_id), "proc_id": proc_id, "useful": useful,
               "created_at": _now()}
        self._add(lambda b: b.feedback.append(row))

    def touch_user(self, user_id: int, chat_id: int | None, lang: str) -> None:
        """Remember the user's chat (to notify followers); written at most every `seen_seconds` per user."""
        h = self.store.user_hash(user_id)
        now = time.monotonic()
        with self._cond:
            seen = self._seen.get(h)
            if seen is not None and seen[0] == chat_id and now - seen[1] < self.seen_seconds:
                return
            self._seen[h] = (chat_id, now)
            self._seen.move_to_end(h)
            while len(self._seen) > self._seen_max:
                self._seen.popitem(last=False)
        row = {"user_hash": h, "chat_id": chat_id, "lang": lang, "active": True, "created_at": _now()}
        self._add(lambda b: b.users.__setitem__(h, row))

    def forget_user(self, user_id: int) -> None:
        with self._cond:
            self._seen.pop(self.store.user_hash(user_id), None)

    def flush(self, timeout: float = 30.0) -> bool:
        """Write everything queued before this call; False if the database did not take it in time."""
        with self._cond:
            target = self._queued
            self._flush_target = max(self._flush_target, target)
            self._cond.notify_all()
            return self._cond.wait_for(lambda: self._written >= target, timeout)

    def close(self, timeout: float = 30.0) -> None:
        self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._batch)

    # --- the writer thread ------------------------------------------------------------------------------

    def _add(self, put) -> None:
        with self._cond:
            put(self._batch)
            self._queued += 1
            if len(self._batch.queries) > self.max_pending:  # the database is away for long: keep the newest
                del self._batch.queries[0]
                self.dropped += 1
                self._written += 1
            if len(self._batch) >= self.max_batch:
                self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._closed or len(self._batch) >= self.max_batch
                                    or self._flush_target > self._written, self.interval)
                if self._closed and not len(self._batch):
                    return
                batch, self._batch = self._batch, _Batch()
                taken = self._queued - self._written
            if not len(batch):
                continue
            try:
                with self.store.engine.begin() as conn:
                    self._write(conn, batch)
            except Exception:
                self.failures += 1
                log.exception("could not write %d queued rows; will retry", len(batch))
                with self._cond:  # put them back in front of what came meanwhile
                    self._batch.queries[:0] = batch.queries
                    self._batch.feedback[:0] = batch.feedback
                    self._batch.users = {**batch.users, **self._batch.users}
                time.sleep(min(5.0, self.interval * 4))
                continue
            with self._cond:
                self._written += taken
                self._cond.notify_all()

    @staticmethod
    def _write(conn: Connection, batch: _Batch) -> None:
        if batch.users:
            _upsert_users(conn, list(batch.users.values()))
        if batch.queries:
            conn.execute(insert(QueryLog.__table__), batch.queries)  # type: ignore[attr-defined]
        if batch.feedback:
            conn.execute(insert(Feedback.__table__), batch.feedback)  # type: ignore[attr-defined]


def _upsert_users(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert new users; for known ones set the chat id and mark them active (their language stays)."""
    table = UserRow.__table__  # type: ignore[attr-defined]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(table)
    from sqlalchemy import func

    stmt = stmt.on_conflict_do_update(index_elements=["user_hash"], set_={
        "chat_id": func.coalesce(stmt.excluded.chat_id, table.c.chat_id), "active": True})
    conn.execute(stmt, rows)
