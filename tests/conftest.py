import os
import shutil
from functools import cache
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SAMPLE_KB = HERE / "data" / "knowledge"


def in_threads(target, n: int) -> list[BaseException]:
    """Run `target` in `n` threads at once; the exceptions they raised (none, when all went well)."""
    import threading

    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@cache
def sample_lexicon():
    """The word lists of the sample knowledge folder (knowledge/lexicon/ copied), for matching tests."""
    from bot.catalogue.lexicon import load_lexicon

    problems: list = []
    lexicon = load_lexicon(SAMPLE_KB, problems)
    assert not problems, problems
    return lexicon


@pytest.fixture(autouse=True)
def database_url(monkeypatch) -> str:
    """With DATABASE_URL pointing at PostgreSQL every test gets its own empty schema (its URL is put in the
    environment, so subprocesses use it too); "" with SQLite, where each test has its own files."""
    from tests.db.isolation import isolated_database

    with isolated_database(os.environ.get("DATABASE_URL", "")) as url:
        if url:
            monkeypatch.setenv("DATABASE_URL", url)
        yield url


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A writable copy of the sample knowledge folder."""
    target = tmp_path / "knowledge"
    shutil.copytree(SAMPLE_KB, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, kb_dir: Path):
    from bot.settings import Settings

    return Settings(knowledge_dir=kb_dir, data_dir=tmp_path / "data", telegram_bot_token=None, hash_salt="test-salt")
