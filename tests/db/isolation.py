"""One database per test: with DATABASE_URL pointing at PostgreSQL, each test gets its own schema (so the
suite can run against a shared server, tables empty at the start of every test); otherwise SQLite files
under the test's tmp_path, as before."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql"))


def driver_url(url: str) -> str:
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@contextmanager
def isolated_database(base: str) -> Iterator[str]:
    """Yields a PostgreSQL URL whose search_path is a new, empty schema (dropped afterwards), or "" when
    `base` is not PostgreSQL."""
    if not is_postgres(base):
        yield ""
        return
    from db.session import dispose_engine

    base = driver_url(base)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, poolclass=None, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    try:
        yield rendered
    finally:
        dispose_engine(rendered)
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


