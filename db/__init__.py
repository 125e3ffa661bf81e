"""Storage through sqlmodel: SQLite by default (WAL), PostgreSQL via DATABASE_URL."""

from .session import get_engine, init_db, session_scope

__all__ = ["get_engine", "init_db", "session_scope"]
