"""The engine: one loaded catalogue with its index and dialogue, swapped whole on reload.

A reload builds and validates the new catalogue and index aside, then replaces the reference in one
assignment, so a question in flight sees either the old or the new catalogue, never half of one.
On any error the last good catalogue keeps serving.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot import build_cache
from bot.catalogue import Catalogue, CatalogueError, Problem, load_catalogue
from bot.dialogue import Dialogue
from bot.matching import Matcher
from bot.settings import Settings


@dataclass(frozen=True)
class Loaded:
    catalogue: Catalogue
    matcher: Matcher
    dialogue: Dialogue
    loaded_at: float


def build(root: Path, settings: Settings) -> Loaded:
    """Load and index the catalogue, from the cache when nothing it is built from has changed."""
    key = build_cache.knowledge_key(root)
    cache_dir = settings.data_dir / "cache"
    cached = build_cache.load(cache_dir, key)
    if cached is not None:
        catalogue, matcher = cached
    else:
        catalogue, problems = load_catalogue(root)
        if catalogue is None:
            raise CatalogueError(problems)
        matcher = Matcher(catalogue)
        build_cache.store(cache_dir, key, (catalogue, matcher))
    return Loaded(catalogue, matcher, Dialogue(catalogue, matcher, settings), time.time())


class Engine:
    def __init__(self, root: Path, settings: Settings):
        self.root = Path(root)
        self.settings = settings
        self._lock = threading.Lock()  # one reload at a time; readers never wait
        self.current = build(self.root, settings)

    @property
    def catalogue(self) -> Catalogue:
        return self.current.catalogue

    @property
    def dialogue(self) -> Dialogue:
        return self.current.dialogue

    def reload(self) -> tuple[Catalogue | None, Catalogue, list[Problem]]:
        """Returns (new catalogue or None, previous catalogue, problems)."""
        with self._lock:
            previous = self.current.catalogue
            try:
                fresh = build(self.root, self.settings)
            except CatalogueError as exc:
                return None, previous, exc.problems
            self.current = fresh
            return fresh.catalogue, previous, []

    def snapshot(self) -> int:
        """A fingerprint of the YAML files under the knowledge folder (names, sizes, times), so that
        an edit, a new file and a deleted file all change it."""
        items = []
        for path in self.root.rglob("*"):
            if path.suffix in (".yaml", ".yml"):
                try:
                    st = path.stat()
                except OSError:
                    continue
                items.append((str(path), st.st_mtime_ns, st.st_size))
        return hash(tuple(sorted(items)))
