"""Sync the validated catalogue into the `procedure` table: idempotent, removed procedures disappear."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.catalogue import Catalogue, Procedure

from .models import ProcedureRow
from .session import session_scope

SYNC_LOCK = 0x70726F63  # PostgreSQL advisory lock key held while syncing the catalogue

# Fields whose change followers hear about.
WATCHED = ("fees", "documents", "steps", "processing_time")


def content_hash(p: Procedure) -> str:
    data = p.model_dump(mode="json", include=set(WATCHED))
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    changed_ids: tuple[str, ...] = ()  # watched content changed

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.removed} removed, {self.unchanged} unchanged"


def sync_catalogue(engine: Engine, catalogue: Catalogue) -> SyncResult:
    result = SyncResult()
    changed: list[str] = []
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":  # instances starting together sync one after the other
            session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK})
        existing = {row.id: row for row in session.exec(select(ProcedureRow))}
        for p in catalogue.procedures:
            data = p.model_dump(mode="json", exclude_none=True)
            digest = content_hash(p)
            row = existing.pop(p.id, None)
            if row is None:
                session.add(ProcedureRow(id=p.id, code=p.code, name=p.name, group=p.group, curated=p.is_curated,
                                         online_level=p.online.level if p.online else None,
                                         content_hash=digest, data=data))
                result.added += 1
                continue
            if row.data == data:
                result.unchanged += 1
                continue
            if row.content_hash != digest:
                changed.append(p.id)
            row.code, row.name, row.group, row.curated = p.code, p.name, p.group, p.is_curated
            row.online_level = p.online.level if p.online else None
            row.content_hash, row.data = digest, data
            session.add(row)
            result.updated += 1
        for row in existing.values():
            session.delete(row)
            result.removed += 1
    result.changed_ids = tuple(changed)
    return result
