"""A cache of the built catalogue and index, keyed by everything they are built from.

Building the index over the whole national catalogue takes seconds; loading a pickle of it a fraction of
that. The key hashes the content of every file under the knowledge folder, the matching code and the
Python version, so a stale cache (an edited card, a new release) can never be used: it simply misses.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KNOWLEDGE_SUFFIXES = (".yaml", ".yml", ".jsonl", ".json")
KEEP = 2  # cache files kept: the current one and the one before (a reload may race a restart)
_CODE = Path(__file__).resolve().parent


def _code_digest() -> bytes:
    """What the built objects depend on: the package's own source and its fitted parameters."""
    h = hashlib.sha256(sys.version.encode())
    for path in sorted(p for p in _CODE.rglob("*") if p.suffix in (".py", ".json")):
        h.update(str(path.relative_to(_CODE)).encode())
        h.update(path.read_bytes())
    return h.digest()


def knowledge_key(root: Path) -> str:
    h = hashlib.sha256(_code_digest())
    root = Path(root)
    for path in sorted(p for p in root.rglob("*") if p.suffix in KNOWLEDGE_SUFFIXES and p.is_file()):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:32]


def load(cache_dir: Path, key: str) -> Any | None:
    path = Path(cache_dir) / f"engine-{key}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: rebuild, never fail the start
        log.warning("ignoring unreadable cache %s: %s", path.name, exc)
        return None


_pending: list[threading.Thread] = []


def store_later(cache_dir: Path, key: str, value: Any) -> None:
    """store() in a background thread: a first start serves as soon as the index is built, and the
    interpreter still waits for the write at exit (the thread is not a daemon)."""
    thread = threading.Thread(target=store, args=(cache_dir, key, value), name="index-cache")
    _pending.append(thread)
    thread.start()


def flush() -> None:
    """Wait for the cache writes started by store_later()."""
    while _pending:
        _pending.pop().join()


def store(cache_dir: Path, key: str, value: Any) -> None:
    """Write atomically (a second process reads either nothing or the whole file), keep the newest few."""
    cache_dir = Path(cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".engine-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_dir / f"engine-{key}.pickle")
        finally:
            Path(tmp).unlink(missing_ok=True)
        old = sorted(cache_dir.glob("engine-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEEP:]:
            stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, RuntimeError) as exc:  # costs speed at the next start only
        # (RuntimeError: a lazily filled cache of the matcher grew while it was being written)
        log.warning("cannot write the index cache in %s: %s", cache_dir, exc)
