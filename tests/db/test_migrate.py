"""Schema migrations: scripts and models agree, a first-release database is migrated with its data, and a
database from a newer release is refused."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from db import migrate
from db.models import UserRow
from db.repo import Store
from db.session import get_engine, init_db, session_scope
from tests.conftest import in_threads

ROOT = Path(__file__).resolve().parents[2]


def _scripts_to(engine, revision):
    cfg = migrate.config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_migration_scripts_build_exactly_the_models(db_url):
    engine = get_engine(db_url)
    _scripts_to(engine, "head")  # every script from an empty database, not the create_all shortcut
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diffs == []
    assert migrate.current(engine) == migrate.head()


def test_first_release_database_is_migrated_with_its_data(db_url):
    engine = get_engine(db_url)
    _scripts_to(engine, migrate.FIRST_RELEASE)
    with engine.begin() as conn:  # the first release made its tables with create_all: no alembic_version
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("INSERT INTO bot_user (user_hash, chat_id, lang, active, created_at) "
                          "VALUES ('old', 42, 'en', true, CURRENT_TIMESTAMP)"))
    store = Store(db_url, b"salt")  # what the bot does at start
    assert migrate.current(store.engine) == migrate.head()
    with session_scope(store.engine) as s:
        assert s.get(UserRow, "old").lang == "en"
    store.touch_user(7, chat_id=-1001234567890)  # a supergroup id: beyond 32 bits
    with session_scope(store.engine) as s:
        assert s.get(UserRow, store.user_hash(7)).chat_id == -1001234567890


def test_newer_database_is_refused(db_url):
    engine = init_db(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(migrate.SchemaTooNew, match="9999"):
        Store(db_url, b"salt")


def _cli(args, tmp_path, db_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(DATABASE_URL=db_url, DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT),
               KNOWLEDGE_DIR=str(ROOT / "tests" / "data" / "knowledge"))
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)


def test_db_upgrade_command_and_refusal_to_start(db_url, tmp_path):
    done = _cli(["db", "upgrade"], tmp_path, db_url)
    assert done.returncode == 0, done.stderr
    assert migrate.head() in done.stdout
    engine = get_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    refused = _cli(["db", "upgrade"], tmp_path, db_url)
    assert refused.returncode == 1 and "9999" in refused.stderr and "Traceback" not in refused.stderr
    env_token = {"TELEGRAM_BOT_TOKEN": "1:" + "x" * 35, "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}
    env = {**os.environ, **env_token, "DATABASE_URL": db_url, "DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": str(ROOT), "KNOWLEDGE_DIR": str(ROOT / "tests" / "data" / "knowledge")}
    started = subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True, env=env, cwd=tmp_path,
                             timeout=120)
    assert started.returncode == 1 and "newer than this release" in started.stderr
    assert "Traceback" not in started.stderr


def test_instances_starting_together_on_a_new_database(db_url):
    """Several processes create the same new database at once: one migrates, the others find it done."""

    from db.session import dispose_engine

    assert in_threads(lambda: migrate.upgrade(get_engine(db_url)), 4) == []
    assert migrate.current(get_engine(db_url)) == migrate.head()
    dispose_engine(db_url)
