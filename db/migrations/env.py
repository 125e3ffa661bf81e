"""Alembic environment: the connection is handed in by db.migrate (never read from a config file)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from db import models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only db.migrate drives migrations
    raise RuntimeError("run migrations through `python -m bot db upgrade`")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
