"""Schema migrations (Alembic, scripts under db/migrations/versions).

`upgrade(engine)` brings a database to the newest schema this code knows: a new database is created
from the models and stamped; a database made before migrations existed (the first released schema,
no `alembic_version` table) is stamped as that schema and migrated; a database already stamped is
migrated forward. A database stamped with a revision this code does not know was written by a newer
release: `SchemaTooNew` is raised and nothing is touched, so an old instance never runs on it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from db import models  # noqa: F401  (registers the tables)

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST_RELEASE = "0001"
MIGRATE_LOCK = 0x6D696772  # PostgreSQL advisory lock key held while migrating  # the schema of the first release, made by create_all before migrations existed


class SchemaTooNew(RuntimeError):
    def __init__(self, found: str, known: str):
        super().__init__(f"the database schema is at revision {found}, newer than this release knows (head {known}); "
                         "upgrade the bot, or point DATABASE_URL at another database")
        self.found, self.known = found, known


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check(engine: Engine) -> str | None:
    """The database's revision; raises SchemaTooNew when it is one this code does not know."""
    found = current(engine)
    if found is not None:
        try:
            ScriptDirectory.from_config(config()).get_revision(found)
        except Exception as exc:  # alembic raises its own CommandError / ResolutionError flavours
            raise SchemaTooNew(found, head()) from exc
    return found


def _run(engine: Engine, fn, *args) -> None:
    cfg = config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        fn(cfg, *args)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migration at a time, whatever the number of instances starting: a PostgreSQL advisory lock, or
    a lock file beside a SQLite database."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATE_LOCK})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATE_LOCK})
                conn.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to head; returns (revision before, revision after)."""
    with _migration_lock(engine):
        return _upgrade(engine)


def _upgrade(engine: Engine) -> tuple[str | None, str]:
    found = check(engine)
    target = head()
    if found == target:
        return found, target
    if found is None:
        if not inspect(engine).has_table("query_log"):  # a new database: the models are the newest schema
            SQLModel.metadata.create_all(engine)
            _run(engine, command.stamp, target)
            return None, target
        log.info("database made before migrations: stamping it as the first released schema")
        _run(engine, command.stamp, FIRST_RELEASE)
    log.info("migrating the database schema from %s to %s", found or FIRST_RELEASE, target)
    _run(engine, command.upgrade, target)
    return found, target
