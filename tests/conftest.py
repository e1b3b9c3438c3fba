"""Shared fixtures: a fixed clock, and a database on SQLite and on the machine's PostgreSQL.

Tests that take `db_url` run twice: `[sqlite]` on a temporary file and `[postgres]` on a
database created for this test session (dropped at the end). `make test` sets
AIOPS_TEST_POSTGRES_URL; when it is set and the server is down, the postgres tests FAIL
rather than skip, so a green run always means both stores were exercised.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
EXAMPLES = REPO / "examples" / "sulu"
PG_ENV = "AIOPS_TEST_POSTGRES_URL"


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set (make test sets it)")
    import psycopg

    from aiops.store.database import normalize_url

    name = f"aiops_test_{os.getpid()}_{secrets.token_hex(3)}"
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(plain, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:  # fail, never skip, when asked to test PostgreSQL
        pytest.fail(f"PostgreSQL at {plain} is not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = normalize_url(plain.rsplit("/", 1)[0] + "/" + name)
    yield url
    from sqlalchemy import create_engine

    create_engine(url).dispose()
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _truncate_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    from aiops.store.database import migrate
    from aiops.store.schema import Base

    engine = create_engine(url)
    migrate(engine)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'aiops.db'}"
    url: str = request.getfixturevalue("pg_server_url")
    _truncate_pg(url)
    return url
