from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from shelfscope.db import create_db_engine
from shelfscope.db.migrate import current_revision, head_revision, upgrade
from shelfscope.db.registry import load_all_models


def _fresh_postgres_url(server_url: str, name: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    server = request.getfixturevalue("postgres_server_url")
    return _fresh_postgres_url(server, server.rsplit("/", 1)[1] + "_mig")


def test_migrations_build_exactly_the_schema_of_the_models(empty_database_url: str) -> None:
    engine = create_db_engine(empty_database_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": False}), load_all_models()
        )
    engine.dispose()
    assert diff == [], f"models and migrations differ; run scripts/makemigration: {diff}"


def test_upgrade_is_idempotent_and_records_the_head(empty_database_url: str) -> None:
    engine = create_db_engine(empty_database_url)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert {"users", "workspaces", "runs"} <= set(inspect(engine).get_table_names())
    engine.dispose()
