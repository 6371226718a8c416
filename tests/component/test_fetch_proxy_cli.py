"""``shelfscope fetch proxies …``, ``fetch health`` and ``fetch selftest`` as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def env(tmp_path: Path, instance_name: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHELFSCOPE_")}
    return clean | {
        "SHELFSCOPE_DEV": "true",
        "SHELFSCOPE_DATA_DIR": str(tmp_path / "var"),
        "SHELFSCOPE_INSTANCE_NAME": instance_name,
        "SHELFSCOPE_CONFIG_FILE": str(tmp_path / "none.toml"),
    }


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


def test_proxies_can_be_added_listed_disabled_and_removed(env: dict[str, str]) -> None:
    assert (
        _cli(env, "user", "create", "ops@example.com", "--password", "correct horse battery").returncode == 0
    )
    assert _cli(env, "workspace", "create", "Ops", "--owner", "ops@example.com").returncode == 0
    added = _json(
        env | {"SHELFSCOPE_PROXY_PASSWORD": "s3cret-pass"},
        "fetch",
        "proxies",
        "add",
        "-w",
        "ops",
        "--name",
        "oxy",
        "--provider",
        "oxylabs",
        "--username",
        "acme",
        "--sticky",
    )
    assert (added["host"], added["port"], added["has_password"]) == ("pr.oxylabs.io", 7777, True)
    assert "s3cret-pass" not in json.dumps(added)
    disabled = _json(env, "fetch", "proxies", "disable", "-w", "ops", str(added["id"]))
    assert disabled["enabled"] is False
    listed = _json(env, "fetch", "proxies", "list", "-w", "ops", "--json")
    assert [(p["name"], p["enabled"]) for p in listed] == [("oxy", False)]
    health = _json(env, "fetch", "health", "-w", "ops", "--json")
    assert health["score"] == 100.0 and health["requests"] == 0
    assert _cli(env, "fetch", "proxies", "remove", "-w", "ops", str(added["id"])).returncode == 0
    assert _json(env, "fetch", "proxies", "list", "-w", "ops", "--json") == []
    missing = _cli(env, "fetch", "proxies", "enable", "-w", "ops", str(added["id"]))
    assert missing.returncode == 1 and "no proxy" in missing.stderr


def test_selftest_prints_exactly_the_accounting_keys(env: dict[str, str]) -> None:
    report = _json(env, "fetch", "selftest", "--requests", "80", "--proxies", "3", "--json")
    assert list(report) == [
        "requests",
        "succeeded",
        "failed",
        "blocked",
        "failovers",
        "logged",
        "blocks_counted_as_success",
        "requests_per_second",
    ]
    assert report["requests"] == report["logged"] == report["succeeded"] + report["failed"] == 80
    assert report["blocks_counted_as_success"] == 0
