"""The cache of the built catalogue and index: used when nothing changed, never when anything did."""

import shutil
from pathlib import Path

from bot import build_cache
from bot.engine import build
from bot.settings import Settings

FIXTURE = Path(__file__).parent / "data" / "knowledge"


def test_a_stale_cache_is_never_used(tmp_path: Path):
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURE, root)
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=root)
    first = build(root, settings)
    build_cache.flush()
    assert len(list((tmp_path / "data" / "cache").glob("engine-*.pickle"))) == 1
    again = build(root, settings)
    assert [p.id for p in again.catalogue.procedures] == [p.id for p in first.catalogue.procedures]
    card = next(root.rglob("procedures/**/*.yaml"))
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("name: ", "name: Sửa ", 1), encoding="utf-8")
    edited = build(root, settings)
    build_cache.flush()
    assert any(p.name.startswith("Sửa ") for p in edited.catalogue.procedures)


def test_an_unreadable_cache_is_rebuilt(tmp_path: Path):
    key = build_cache.knowledge_key(FIXTURE)
    (tmp_path / f"engine-{key}.pickle").write_bytes(b"not a pickle")
    assert build_cache.load(tmp_path, key) is None
    build_cache.store(tmp_path, key, {"ok": 1})
    assert build_cache.load(tmp_path, key) == {"ok": 1}


def test_only_the_newest_files_are_kept(tmp_path: Path):
    for i in range(5):
        build_cache.store(tmp_path, f"k{i}", i)
    assert len(list(tmp_path.glob("engine-*.pickle"))) == build_cache.KEEP
