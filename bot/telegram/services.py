"""What the handlers share: the engine (catalogue, matcher, dialogue), the store and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogue import Procedure
from bot.engine import Engine
from bot.settings import Settings
from db.repo import Store


@dataclass
class Services:
    engine: Engine
    store: Store
    settings: Settings

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def most_asked(self, n: int) -> list[Procedure]:
        """The procedures citizens asked about most; curated cards fill the list when the log is young."""
        by_id = self.engine.catalogue.by_id
        procs = [by_id[i] for i in self.store.most_asked(n * 2) if i in by_id][:n]
        for p in self.engine.catalogue.procedures:
            if len(procs) >= n:
                break
            if p.is_curated and p not in procs:
                procs.append(p)
        return procs
