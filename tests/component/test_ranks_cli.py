"""``shelfscope ranks …`` as real processes on an embedded install: jobs, keywords, check, reparse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.db.migrate import upgrade
from shelfscope.db.registry import load_all_models
from shelfscope.sandbox import SandboxContext
from shelfscope.sandbox.amazon import DEMO_KEYWORDS, asin_ranking
from shelfscope.settings import SandboxSettings

BOTTLE = "B0D7KQ3M2X"


@pytest.fixture
def env(tmp_path: Path, instance_name: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHELFSCOPE_")}
    return clean | {
        "SHELFSCOPE_DEV": "true",
        "SHELFSCOPE_DATA_DIR": str(tmp_path / "var"),
        "SHELFSCOPE_INSTANCE_NAME": instance_name,
        "SHELFSCOPE_CONFIG_FILE": str(tmp_path / "none.toml"),
        "SHELFSCOPE_FETCH__RETRY_BASE_SECONDS": "0",
        "COLUMNS": "200",
    }


@pytest.fixture
def workspace(env: dict[str, str]) -> str:
    """A migrated database with one workspace; returns the workspace's slug."""
    db = Database.from_url(f"sqlite:///{Path(env['SHELFSCOPE_DATA_DIR']) / 'shelfscope.db'}")
    upgrade(db.engine)
    load_all_models().create_all(db.engine)  # tables whose migration is not written yet
    with db.session() as session:
        owner = create_user(session, email="cli@example.com", password="correct-horse-42")
        slug = create_workspace(session, owner_id=owner.id, name="CLI shop").slug
    db.dispose()
    return slug


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shelfscope", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _json(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    result = _cli(env, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_jobs_and_keywords_from_the_command_line(env: dict[str, str], workspace: str, tmp_path: Path) -> None:
    job = _json(
        env, "ranks", "jobs", "create", "-w", workspace, "--asin", "b0d7kq3m2x", "-m", "de",
        "--frequency", "6h", "-k", "Trinkflasche", "-k", "trinkflasche ", "--competitor", "B0CZ8VN4TR", "--json",
    )  # fmt: skip
    assert (job["asin"], job["marketplace"], job["frequency"], job["competitor_asins"]) == (
        BOTTLE,
        "DE",
        "6h",
        ["B0CZ8VN4TR"],
    )
    job_id = str(job["id"])
    added = _json(env, "ranks", "keywords", "add", job_id, "Isolierflasche", "TRINKFLASCHE", "--json")
    assert (added["added"], added["duplicates"]) == (["Isolierflasche"], ["TRINKFLASCHE"])
    csv_file = tmp_path / "keywords.csv"
    csv_file.write_text('keyword,volume\n"flasche, 1 liter",10\nisolierflasche,5\n', encoding="utf-8")
    imported = _cli(env, "ranks", "keywords", "import", job_id, str(csv_file), "--csv")
    assert (imported.returncode, imported.stdout.strip()) == (0, "1 added, 1 duplicates, 0 invalid")
    piped = _cli(env, "ranks", "keywords", "import", job_id, "-", stdin="thermosflasche\n" + "x" * 201 + "\n")
    assert piped.stdout.splitlines()[0] == "1 added, 0 duplicates, 1 invalid"
    table = _json(env, "ranks", "keywords", "list", job_id, "--json")
    assert [row["keyword"] for row in table["items"]] == [
        "Trinkflasche",
        "Isolierflasche",
        "flasche, 1 liter",
        "thermosflasche",
    ]
    listed = _json(env, "ranks", "jobs", "list", "-w", workspace, "--json")
    assert [(j["id"], j["keyword_count"], j["status"]) for j in listed["items"]] == [(job["id"], 4, "active")]
    assert _cli(env, "ranks", "jobs", "pause", job_id).stdout.strip() == f"job {job_id}: paused"
    assert _cli(env, "ranks", "jobs", "resume", job_id).stdout.startswith(f"job {job_id}: active, next run ")
    assert _cli(env, "ranks", "jobs", "run", job_id).stdout.strip().endswith("queued")
    assert _cli(env, "ranks", "jobs", "delete", job_id).stdout.strip() == f"job {job_id}: deleted"
    assert _json(env, "ranks", "jobs", "list", "-w", workspace, "--json")["items"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ranks", "check", "--asin", "B0BAD", "-m", "DE", "-k", "x"],
            "error: an ASIN has 10 characters; 'B0BAD' has 5",
        ),
        (
            ["ranks", "check", "--asin", BOTTLE, "-m", "XX", "-k", "x"],
            "error: unknown Amazon marketplace 'XX'",
        ),
        (
            ["ranks", "check", "--asin", BOTTLE, "-m", "DE", "-k", "x", "--depth", "9"],
            "error: depth is 1 to 7",
        ),
        (
            ["ranks", "reparse", "--job", "1", "--since", "last tuesday"],
            "error: --since 'last tuesday' is not a date",
        ),
        (
            ["ranks", "jobs", "create", "-w", "nope", "--asin", BOTTLE, "-m", "DE"],
            "error: no workspace with id or slug",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    env: dict[str, str], workspace: str, args: list[str], message: str
) -> None:
    result = _cli(env, *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(message)
    assert result.stdout == ""


def test_a_missing_job_exits_1(env: dict[str, str], workspace: str) -> None:
    result = _cli(env, "ranks", "jobs", "pause", "4242")
    assert (result.returncode, result.stderr.strip()) == (1, "error: tracking job 4242 not found")


def test_one_off_check_against_the_sandbox_prints_what_it_served(env: dict[str, str]) -> None:
    keywords = list(DEMO_KEYWORDS["DE"][BOTTLE])[:2]
    args = [
        "ranks",
        "check",
        "--asin",
        BOTTLE,
        "-m",
        "DE",
        "--sandbox",
        "--json",
        "--competitor",
        "B0CZ8VN4TR",
    ]
    for keyword in keywords:
        args += ["-k", keyword]
    printed = _json(env, *args)
    truth_context = SandboxContext.from_settings(SandboxSettings())  # same seed and day as the CLI's sandbox
    assert (printed["marketplace"], printed["depth"]) == ("DE", 3)
    assert len(printed["items"]) == 4
    for row in printed["items"]:
        truth = asin_ranking(truth_context, "DE", row["keyword"], row["asin"], depth=3)
        assert row["status"] == ("ok" if truth["found"] else "not_found")
        assert (row["organic_rank"], row["sponsored_rank"], row["page"], row["position"]) == (
            truth["organic_rank"],
            truth["sponsored_rank"],
            truth["page"],
            truth["position"],
        )
    table = _cli(env, "ranks", "check", "--asin", BOTTLE, "-m", "DE", "--sandbox", "-k", keywords[0])
    assert table.returncode == 0, table.stderr
    assert "keyword" in table.stdout and keywords[0] in table.stdout and BOTTLE in table.stdout


def test_reparse_reports_on_a_job_without_archived_checks(env: dict[str, str], workspace: str) -> None:
    job = _json(env, "ranks", "jobs", "create", "-w", workspace, "--asin", BOTTLE, "-m", "DE", "--json")
    report = _json(env, "ranks", "reparse", "--job", str(job["id"]), "--since", "2026-01-01", "--json")
    assert report == {"checks": 0, "reparsed": 0, "changed": 0, "failed": 0, "incomplete": 0, "pruned": 0}
    text = _cli(env, "ranks", "reparse", "--job", str(job["id"]), "--since", "2026-01-01T00:00:00+02:00")
    assert text.stdout.startswith(f"job {job['id']}: 0 checks, 0 reparsed (0 changed)")


def test_one_off_check_through_a_workspace_logs_its_requests(env: dict[str, str], workspace: str) -> None:
    from sqlalchemy import select

    from shelfscope.fetch.models_db import RequestLogEntry

    keyword = next(iter(DEMO_KEYWORDS["DE"][BOTTLE]))
    printed = _json(
        env,
        "ranks",
        "check",
        "--asin",
        BOTTLE,
        "-m",
        "DE",
        "-k",
        keyword,
        "--sandbox",
        "-w",
        workspace,
        "--json",
    )
    (row,) = printed["items"]
    db = Database.from_url(f"sqlite:///{Path(env['SHELFSCOPE_DATA_DIR']) / 'shelfscope.db'}")
    with db.session() as session:
        logged = session.scalars(select(RequestLogEntry.path)).all()
    db.dispose()
    assert len(logged) == row["pages"] >= 1
    assert all(path.endswith("/s") for path in logged)
