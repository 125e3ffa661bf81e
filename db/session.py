"""Engine and sessions. SQLite gets WAL and a busy timeout so the bot and CLI tools can share it."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from db import models  # noqa: F401  (registers the tables)

_engines: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    if url not in _engines:
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()
        else:
            # Handlers run their database work in worker threads: a pool as wide as that thread pool.
            engine = create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
        _engines[url] = engine
    return _engines[url]


def dispose_engine(url: str) -> None:
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def init_db(url: str) -> Engine:
    """The engine, with the schema migrated to the newest revision (raises migrate.SchemaTooNew)."""
    from db.migrate import SchemaTooNew, upgrade

    engine = get_engine(url)
    for attempt in range(20):
        try:
            upgrade(engine)
            return engine
        except SchemaTooNew:
            raise
        except Exception:  # another instance is creating or migrating the same database right now
            if attempt == 19:
                raise
            time.sleep(0.25 + random.random() * 0.25)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
