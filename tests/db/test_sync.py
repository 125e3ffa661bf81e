from sqlmodel import Session, select

from bot.catalogue import load_or_raise
from db import init_db
from db.models import ProcedureRow
from db.sync import sync_catalogue
from tests.conftest import in_threads


def test_sync_is_idempotent_and_removes(kb_dir, db_url):
    engine = init_db(db_url)
    cat = load_or_raise(kb_dir)
    first = sync_catalogue(engine, cat)
    assert first.added == len(cat.procedures)
    again = sync_catalogue(engine, cat)
    assert (again.added, again.updated, again.removed) == (0, 0, 0)

    path = kb_dir / "procedures" / "ho-tich" / "ho-tich.yaml"
    text = path.read_text(encoding="utf-8").replace("amount_vnd: 200000", "amount_vnd: 250000")
    path.write_text(text, encoding="utf-8")
    cat2 = load_or_raise(kb_dir)
    cat2.procedures = [p for p in cat2.procedures if p.id != "dang-ky-ket-hon"]
    changed = sync_catalogue(engine, cat2)
    assert changed.removed == 1 and changed.changed_ids == ("ly-lich-tu-phap",)
    with Session(engine) as s:
        ids = {r.id for r in s.exec(select(ProcedureRow))}
    assert "dang-ky-ket-hon" not in ids and "ly-lich-tu-phap" in ids


def test_instances_starting_together_both_sync(kb_dir, db_url, settings):
    """Three instances start at once on a new database: every sync succeeds (PostgreSQL: an advisory lock
    makes them take turns; SQLite: the loser of a race is retried, as the bot does)."""

    from bot.engine import Engine
    from bot.telegram.app import _sync_retrying
    from db.repo import Store

    store, engine = Store(db_url, b"salt"), Engine(kb_dir, settings)
    assert in_threads(lambda: _sync_retrying(store, engine), 3) == []
    with Session(store.engine) as s:
        assert len(list(s.exec(select(ProcedureRow)))) == len(engine.catalogue.procedures)
