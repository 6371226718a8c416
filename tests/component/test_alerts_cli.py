"""``shelfscope alerts …`` and ``shelfscope ranks alerts …`` as real processes on an embedded install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.db.migrate import upgrade
from shelfscope.db.registry import load_all_models
from tests.alerts_support import webhook_receiver


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


@pytest.fixture
def workspace(env: dict[str, str]) -> str:
    db = Database.from_url(f"sqlite:///{Path(env['SHELFSCOPE_DATA_DIR']) / 'shelfscope.db'}")
    upgrade(db.engine)
    load_all_models().create_all(db.engine)  # tables whose migration is not written yet
    with db.session() as session:
        owner = create_user(session, email="cli@example.com", password="correct-horse-42")
        slug = create_workspace(session, owner_id=owner.id, name="CLI shop").slug
    db.dispose()
    return slug


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shelfscope", *args], env=env, capture_output=True, text=True, timeout=180,
        check=False,
    )  # fmt: skip


def test_channels_are_added_tested_listed_and_removed(env: dict[str, str], workspace: str) -> None:
    env = env | {"SHELFSCOPE_ALERTS__ALLOW_PRIVATE_TARGETS": "true", "HOOK_SECRET": "cli-signing-secret"}
    with webhook_receiver() as receiver:
        added = _cli(env, "alerts", "channels", "add", "-w", workspace, "--name", "hook", "--webhook", receiver.url,
                     "--slack", "--signing-secret-env", "HOOK_SECRET", "--json")  # fmt: skip
        assert added.returncode == 0, added.stderr
        channel = json.loads(added.stdout)
        assert (channel["webhook_format"], channel["has_signing_secret"]) == ("slack", True)
        assert "cli-signing-secret" not in added.stdout + added.stderr
        tested = _cli(env, "alerts", "channels", "test", str(channel["id"]), "-w", workspace)
        assert tested.returncode == 0, tested.stderr
        assert tested.stdout.strip() == f"channel {channel['id']}: delivered (200)"
        assert receiver.received[0].json["text"] == "Test alert from shelfscope"
    listed = json.loads(_cli(env, "alerts", "channels", "list", "-w", workspace, "--json").stdout)
    assert [item["name"] for item in listed["items"]] == ["hook"]
    removed = _cli(env, "alerts", "channels", "remove", str(channel["id"]), "-w", workspace)
    assert removed.returncode == 0
    assert json.loads(_cli(env, "alerts", "channels", "list", "-w", workspace, "--json").stdout)["total"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--webhook", "http://127.0.0.1:9/x"], "non-public address"),
        (["--email", "nope"], "is not an email address"),
        ([], "give either --webhook URL or at least one --email ADDRESS"),
    ],
)
def test_bad_channels_exit_2_with_one_line(
    env: dict[str, str], workspace: str, args: list[str], message: str
) -> None:
    result = _cli(env, "alerts", "channels", "add", "-w", workspace, "--name", "x", *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_rank_alert_rules_from_the_command_line(env: dict[str, str], workspace: str) -> None:
    job = json.loads(
        _cli(env, "ranks", "jobs", "create", "-w", workspace, "--asin", "B0D7KQ3M2X", "-m", "DE", "-k", "flasche",
             "--json").stdout
    )  # fmt: skip
    added = _cli(env, "ranks", "alerts", "add", str(job["id"]), "--kind", "rank_moved", "--positions", "5")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "rule 1: rank moved ≥ 5 positions"
    bad = _cli(env, "ranks", "alerts", "add", str(job["id"]), "--kind", "rank_moved")
    assert bad.returncode == 2 and "positions or percent" in bad.stderr
    listed = json.loads(_cli(env, "ranks", "alerts", "list", str(job["id"]), "--json").stdout)
    assert [(r["kind"], r["positions"]) for r in listed["items"]] == [("rank_moved", 5)]
    assert _cli(env, "ranks", "alerts", "remove", str(job["id"]), "1").returncode == 0
    missing = _cli(env, "ranks", "alerts", "remove", str(job["id"]), "1")
    assert missing.returncode == 1 and "alert rule 1 not found" in missing.stderr
    events = json.loads(_cli(env, "alerts", "events", "-w", workspace, "--json").stdout)
    assert events == {"items": [], "total": 0}
