import pytest


@pytest.fixture
def db_url(database_url, tmp_path) -> str:
    """The test's own database: PostgreSQL (a fresh schema) when DATABASE_URL says so, else SQLite."""
    return database_url or f"sqlite:///{tmp_path / 'test.sqlite3'}"
