"""``shelfscope ranks stats|share-of-voice|competition|export`` as real processes on an embedded install."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.db.migrate import upgrade
from shelfscope.db.registry import load_all_models
from shelfscope.ranks.keywords import list_keywords
from shelfscope.ranks.models import TrackingJob
from tests.ranks_analysis_support import Card, record, serp_page

OWN, RIVAL = "B0D7KQ3M2X", "B0CZ8VN4TR"


@pytest.fixture
def env(tmp_path: Path, instance_name: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHELFSCOPE_")}
    return clean | {
        "SHELFSCOPE_DEV": "true",
        "SHELFSCOPE_DATA_DIR": str(tmp_path / "var"),
        "SHELFSCOPE_INSTANCE_NAME": instance_name,
        "SHELFSCOPE_CONFIG_FILE": str(tmp_path / "none.toml"),
        "COLUMNS": "200",
    }


def _db(env: dict[str, str]) -> Database:
    return Database.from_url(f"sqlite:///{Path(env['SHELFSCOPE_DATA_DIR']) / 'shelfscope.db'}")


@pytest.fixture
def workspace(env: dict[str, str]) -> str:
    db = _db(env)
    upgrade(db.engine)
    load_all_models().create_all(db.engine)  # tables whose migration is not written yet
    with db.session() as session:
        owner = create_user(session, email="cli@example.com", password="correct-horse-42")
        slug = create_workspace(session, owner_id=owner.id, name="CLI shop").slug
    db.dispose()
    return slug


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shelfscope", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _json(env: dict[str, str], *args: str) -> Any:
    result = _cli(env, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def job_id(env: dict[str, str], workspace: str) -> str:
    """A job whose keyword "bottle" was checked 10 days ago, 3 days ago (blocked) and yesterday."""
    job = _json(
        env, "ranks", "jobs", "create", "-w", workspace, "--asin", OWN, "-m", "DE",
        "--competitor", RIVAL, "-k", "bottle", "--json",
    )  # fmt: skip
    now = datetime.now(UTC)
    db = _db(env)
    with db.session() as session:
        row = session.get(TrackingJob, job["id"])
        assert row is not None
        keyword_id = list_keywords(session, workspace_id=row.workspace_id, job_id=row.id)[0].id
        older = [serp_page([Card("B0ADVERT01", "Other", True), Card(RIVAL, "Rival"), Card(OWN, "Hydro")])]
        newer = [serp_page([Card(OWN, "Hydro"), Card(RIVAL, "Rival")], total_results=500)]
        for run_id, days, pages in ((1, 10, older), (2, 3, None), (3, 1, newer)):
            observed_at = now - timedelta(days=days)
            record(session, row, keyword_id=keyword_id, run_id=run_id, observed_at=observed_at, pages=pages)
    db.dispose()
    return str(job["id"])


def test_stats_share_of_voice_and_competition(env: dict[str, str], job_id: str) -> None:
    (stats,) = _json(env, "ranks", "stats", "--job", job_id, "--days", "30", "--json")["items"]
    assert (stats["keyword"], stats["checks"], stats["failed_checks"], stats["found_rate"]) == (
        "bottle",
        3,
        1,
        1.0,
    )
    assert (stats["best_organic_rank"], stats["worst_organic_rank"], stats["trend"]) == (1, 2, "up")
    week = _json(env, "ranks", "stats", "--job", job_id, "--days", "7", "--json")["items"][0]
    assert (week["checks"], week["best_organic_rank"]) == (2, 1)
    table = _cli(env, "ranks", "stats", "--job", job_id)
    assert table.returncode == 0, table.stderr
    assert "bottle" in table.stdout and "page 1 days" in table.stdout
    (share,) = _json(env, "ranks", "share-of-voice", "--job", job_id, "--scope", "pages1-3", "--json")[
        "items"
    ]
    assert (share["scope"], share["tracked_brand"], share["snapshots"]) == ("pages1-3", "Hydro", 2)
    assert [row["asin"] for row in share["competitors"]] == [OWN, RIVAL]
    hydro = next(row for row in share["brands"] if row["brand"] == "Hydro")
    assert hydro["organic"]["basic"] == 0.5
    text = _cli(env, "ranks", "share-of-voice", "--job", job_id)
    assert "Hydro *" in text.stdout and RIVAL in text.stdout
    (level,) = _json(env, "ranks", "competition", "--job", job_id, "--json")["items"]
    assert (level["level"], level["total_results"], level["heuristic"], level["search_volume"]) == (
        "low",
        500,
        True,
        None,
    )
    printed = _cli(env, "ranks", "competition", "--job", job_id)
    assert "unknown" in printed.stdout and "heuristic" in printed.stdout


def test_export_to_stdout_and_to_a_file(
    env: dict[str, str], workspace: str, job_id: str, tmp_path: Path
) -> None:
    result = _cli(env, "ranks", "export", "--job", job_id)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6, "3 runs x 2 ASINs"
    assert [row["status"] for row in rows if row["asin"] == OWN] == ["ok", "failed", "ok"]
    since = (datetime.now(UTC) - timedelta(days=5)).date().isoformat()
    target = tmp_path / "organic.csv"
    written = _cli(
        env, "ranks", "export", "-w", workspace, "--kind", "organic", "--since", since,
        "--asin", OWN, "-k", "Bottle", "-m", "de", "--output", str(target),
    )  # fmt: skip
    assert (written.returncode, written.stdout) == (0, ""), written.stderr
    organic = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(row["status"], row["organic_rank"]) for row in organic] == [("failed", ""), ("ok", "1")]
    assert "sponsored_rank" not in organic[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ranks", "stats", "--job", "1", "--days", "14"], "error: days is one of 7, 30, 90 (14 given)"),
        (["ranks", "share-of-voice", "--job", "1", "--days", "0"], "error: days is 1 to 365 (0 given)"),
        (["ranks", "export", "--kind", "organic"], "error: give --workspace or --job"),
        (
            ["ranks", "export", "--job", "1", "--since", "yesterday"],
            "error: --since 'yesterday' is not a date",
        ),
        (
            ["ranks", "export", "--job", "1", "--asin", "B0BAD"],
            "error: an ASIN has 10 characters; 'B0BAD' has 5",
        ),
        (["ranks", "export", "-w", "nope"], "error: no workspace with id or slug"),
        (
            ["ranks", "export", "--job", "1", "--since", "2026-02-01", "--until", "2026-01-01"],
            "error: since must be before until",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    env: dict[str, str], workspace: str, args: list[str], message: str
) -> None:
    result = _cli(env, *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(message)
    assert result.stdout == ""


def test_a_missing_job_exits_1(env: dict[str, str], workspace: str) -> None:
    result = _cli(env, "ranks", "stats", "--job", "4242")
    assert (result.returncode, result.stderr.strip()) == (1, "error: tracking job 4242 not found")
