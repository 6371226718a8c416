from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from shelfscope.db import Database, upsert
from shelfscope.db.types import UTCDateTime

_meta = MetaData()
observations = Table(
    "t_upsert_observations",
    _meta,
    Column("job", Integer, primary_key=True),
    Column("keyword", String(50), primary_key=True),
    Column("rank", Integer),
    Column("note", String(50)),
)
stamps = Table("t_stamps", _meta, Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))


@pytest.fixture
def tables(db: Database) -> Database:
    _meta.create_all(db.engine)
    yield db
    _meta.drop_all(db.engine)


def test_upsert_inserts_then_updates_on_the_natural_key(tables: Database) -> None:
    with tables.session() as session:
        upsert(
            session,
            observations,
            [{"job": 1, "keyword": "usb c", "rank": 5, "note": "a"}],
            key=["job", "keyword"],
        )
        upsert(
            session,
            observations,
            [
                {"job": 1, "keyword": "usb c", "rank": 3, "note": "b"},
                {"job": 1, "keyword": "hub", "rank": 9, "note": "c"},
            ],
            key=["job", "keyword"],
        )
    with tables.session() as session:
        rows = session.execute(select(observations).order_by(observations.c.keyword)).all()
    assert [(r.keyword, r.rank, r.note) for r in rows] == [("hub", 9, "c"), ("usb c", 3, "b")]


def test_upsert_with_empty_update_keeps_the_first_write(tables: Database) -> None:
    with tables.session() as session:
        upsert(
            session,
            observations,
            [{"job": 2, "keyword": "k", "rank": 1, "note": "first"}],
            key=["job", "keyword"],
            update=[],
        )
        upsert(
            session,
            observations,
            [{"job": 2, "keyword": "k", "rank": 7, "note": "second"}],
            key=["job", "keyword"],
            update=[],
        )
    with tables.session() as session:
        assert session.execute(select(observations.c.rank, observations.c.note)).one() == (1, "first")


def test_upsert_splits_large_batches_under_the_parameter_limit(tables: Database) -> None:
    rows = [{"job": 3, "keyword": f"kw{i}", "rank": i, "note": "x"} for i in range(12_000)]
    with tables.session() as session:
        assert upsert(session, observations, rows, key=["job", "keyword"]) == 12_000
        assert upsert(session, observations, rows, key=["job", "keyword"]) == 12_000
    with tables.session() as session:
        assert len(session.execute(select(observations.c.keyword)).all()) == 12_000


def test_datetimes_come_back_aware_utc_on_every_dialect(tables: Database) -> None:
    paris_noon = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    with tables.session() as session:
        session.execute(stamps.insert().values(id=1, at=paris_noon))
    with tables.session() as session:
        stored = session.execute(select(stamps.c.at)).scalar_one()
    assert stored == datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_naive_datetimes_are_refused(tables: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), tables.session() as session:
        session.execute(stamps.insert().values(id=2, at=datetime(2026, 1, 1)))
