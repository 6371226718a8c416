"""``shelfscope sandbox list`` and ``sandbox serve`` (a real foreground process, stopped with Ctrl-C)."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from shelfscope.errors import InvalidInput
from shelfscope.sandbox.cli import register

# The sandbox group on a bare root, so these tests do not depend on other command groups.
RUN_CLI = (
    "import typer; from shelfscope.sandbox.cli import register; app = typer.Typer(); register(app); app()"
)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("SHELFSCOPE_DEV", "true")
    monkeypatch.setenv("SHELFSCOPE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("SHELFSCOPE_SANDBOX__URL", raising=False)
    monkeypatch.chdir(tmp_path)
    # configure_logging binds structlog to the runner's temporary stderr, which is closed after
    # the command: later log lines in this process (any test) would then fail. Output is not logging.
    monkeypatch.setattr("shelfscope.cli_support.configure_logging", lambda **_: None)
    app = typer.Typer()
    register(app)
    return app


def test_list_prints_simulators_with_urls(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["sandbox", "list", "--url", "http://10.0.0.5:8900/"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "sandbox at http://10.0.0.5:8900"
    assert ["echo", "http://10.0.0.5:8900/echo", "Echo"] in [line.split() for line in lines[1:]]


def test_list_defaults_to_the_configured_sandbox_url(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (
        CliRunner().invoke(cli, ["sandbox", "list"]).output.startswith("sandbox at http://127.0.0.1:8900\n")
    )
    monkeypatch.setenv("SHELFSCOPE_SANDBOX__URL", "http://sandbox.lan:9000")
    assert (
        CliRunner().invoke(cli, ["sandbox", "list"]).output.startswith("sandbox at http://sandbox.lan:9000\n")
    )


def test_list_json_gives_simulators_and_connector_urls(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["sandbox", "list", "--json", "--url", "http://127.0.0.1:8900"])
    listing = json.loads(result.output)
    assert listing["base_url"] == "http://127.0.0.1:8900"
    assert {"name": "echo", "title": "Echo", "url": "http://127.0.0.1:8900/echo", "base_urls": {}} in listing[
        "simulators"
    ]
    # Every simulator's base URLs are merged into the connector URLs, absolute on the given base.
    for simulator in listing["simulators"]:
        for setting, url in simulator["base_urls"].items():
            assert listing["connector_urls"][setting] == url
            assert url.startswith("http://127.0.0.1:8900/")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sandbox", "list", "--url", "ftp://x"], "--url must be an http(s) URL"),
        (["sandbox", "serve", "--port", "70000"], "--port must be between 0 and 65535, got 70000"),
    ],
)
def test_bad_input_is_an_invalid_input_error(cli: typer.Typer, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert isinstance(result.exception, InvalidInput)
    assert message in result.exception.message


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line.rstrip("\n"))


def test_serve_runs_in_the_foreground_until_interrupted(tmp_path: Path) -> None:
    env = os.environ | {"SHELFSCOPE_DEV": "true", "SHELFSCOPE_DATA_DIR": str(tmp_path / "var")}
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, "sandbox", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    output: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(process.stdout, output), daemon=True)
    reader.start()
    try:
        first = output.get(timeout=15)
        assert first.startswith("sandbox listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1]
        listed: list[list[str]] = []
        while ["echo", f"{url}/echo", "Echo"] not in listed:
            listed.append(output.get(timeout=5).split())  # raises queue.Empty if the line never comes
        assert httpx.get(f"{url}/_health", timeout=5, verify=False).json()["status"] == "ok"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        rest: list[str] = []
        while "sandbox stopped" not in rest:
            rest.append(output.get(timeout=5))
        assert f"  faults and docs: {url}/" in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=5)
        assert process.stdout is not None
        process.stdout.close()
