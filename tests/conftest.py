"""Shared fixtures: settings in a temp data dir, databases on SQLite and PostgreSQL, Redis.

Service-backed tests carry the markers ``postgres``, ``redis``, ``distributed`` and ``browser``.
Without their service they skip with the reason; under ``CI=true`` a missing service fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from shelfscope.db import Database
from shelfscope.db.registry import load_all_models
from shelfscope.logs import configure_logging
from shelfscope.settings import Settings

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "SHELFSCOPE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SHELFSCOPE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("SHELFSCOPE_CHROMIUM", "/usr/bin/chromium")
REAL_FIXTURES = Path(
    os.environ.get(
        "SHELFSCOPE_REAL_FIXTURES", Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
    )
)


@pytest.fixture(scope="session", autouse=True)
def _quiet_logs() -> None:
    """Warnings and errors only, on stderr, so test output shows what matters."""
    configure_logging(level="warning")


def unavailable(reason: str) -> None:
    """Skip, or fail under CI where every service must be there."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: service-backed tests must run)")
    pytest.skip(reason)


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, pool_pre_ping=True)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {exc.__class__.__name__}"
    return None


def _redis_reachable() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:
        return f"Redis not reachable at {REDIS_URL}: {exc.__class__.__name__}"
    return None


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    problem = _postgres_reachable()
    if problem:
        unavailable(problem)
    name = f"shelfscope_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    problem = _redis_reachable()
    if problem:
        unavailable(problem)
    return REDIS_URL


@pytest.fixture
def instance_name() -> str:
    """A unique namespace per test, so queues and Redis keys never collide between tests."""
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(tmp_path: Path, instance_name: str) -> Settings:
    """Embedded-mode settings in a private data dir."""
    return Settings(data_dir=tmp_path / "var", dev=True, instance_name=instance_name)


@pytest.fixture
def sqlite_db(settings: Settings) -> Iterator[Database]:
    db = Database.from_url(settings.resolved_database_url)
    load_all_models().create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def _postgres_schema(postgres_server_url: str) -> str:
    engine = create_engine(postgres_server_url)
    load_all_models().create_all(engine)
    engine.dispose()
    return postgres_server_url


@pytest.fixture
def postgres_db(_postgres_schema: str) -> Iterator[Database]:
    db = Database.from_url(_postgres_schema)
    yield db
    tables = ", ".join(f'"{t.name}"' for t in load_all_models().sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Database:
    """The same test on SQLite and on PostgreSQL."""
    fixture = "sqlite_db" if request.param == "sqlite" else "postgres_db"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    if not REAL_FIXTURES.is_dir():
        unavailable(f"real fixtures not found at {REAL_FIXTURES} (set SHELFSCOPE_REAL_FIXTURES)")
    return REAL_FIXTURES
