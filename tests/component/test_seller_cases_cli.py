"""``shelfscope seller cases …`` and ``seller ledger export`` against a real database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.clock import FakeClock
from shelfscope.db.registry import load_all_models
from shelfscope.errors import InvalidInput, NotFound, ShelfscopeError
from shelfscope.platform import Platform
from shelfscope.seller import cli as seller_cli
from shelfscope.seller import cli_cases
from shelfscope.seller.models import SellerConnection
from shelfscope.settings import Settings
from tests.component.test_seller_cases_api import NOW, seed_ledger


@pytest.fixture
def platform(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    platform = Platform.from_settings(settings, clock=FakeClock(NOW))
    load_all_models().create_all(platform.db.engine)

    @contextmanager
    def test_platform(*_: object, **__: object) -> Iterator[Platform]:
        yield platform

    monkeypatch.setattr(cli_cases, "cli_platform", test_platform)
    yield platform
    platform.close()


@pytest.fixture
def workspace(platform: Platform) -> str:
    with platform.db.session() as session:
        owner = create_user(session, email="owner@acme.example", password="correct-horse-42")
        workspace = create_workspace(session, owner_id=owner.id, name="Acme")
        connection = SellerConnection(workspace_id=workspace.id, region="NA", selling_partner_id="AACME")
        session.add(connection)
        session.flush()
        seed_ledger(session, workspace.id, connection.id)
        return str(workspace.id)


@pytest.fixture
def run(platform: Platform) -> Callable[..., str]:
    app = typer.Typer()
    seller_cli.register(app)
    runner = CliRunner()

    def invoke(*args: str) -> str:
        result = runner.invoke(app, ["seller", *args], catch_exceptions=True)
        if isinstance(result.exception, ShelfscopeError):
            raise result.exception
        assert result.exit_code == 0, result.output
        return result.stdout

    return invoke


def test_detect_list_show_and_set_status(run: Callable[..., str], workspace: str) -> None:
    (detected,) = json.loads(run("cases", "detect", "-w", workspace, "--json"))
    assert detected["found"] == detected["created"] == 2
    listed = json.loads(run("cases", "list", "-w", workspace, "--json"))
    assert listed["total"] == 2
    lost = next(item for item in listed["items"] if item["kind"] == "lost_or_damaged")
    assert lost["amount"] == "39.9900" and lost["status"] == "open"
    shown = json.loads(run("cases", "show", "-w", workspace, str(lost["id"]), "--json"))
    assert [item["role"] for item in shown["evidence"]] == ["loss"]
    assert "US-LAMP" in run("cases", "show", "-w", workspace, str(lost["id"]))
    changed = json.loads(
        run("cases", "set-status", "-w", workspace, str(lost["id"]), "filed", "--note", "case 42", "--json")
    )
    assert changed["status"] == "filed" and changed["status_note"] == "case 42"
    filed = json.loads(run("cases", "list", "-w", workspace, "--status", "filed", "--json"))
    assert [item["id"] for item in filed["items"]] == [lost["id"]]
    assert run("cases", "list", "-w", workspace).rstrip().endswith("2 of 2")


def test_exports_write_csv_to_stdout_or_a_file(
    run: Callable[..., str], workspace: str, tmp_path: Path
) -> None:
    run("cases", "detect", "-w", workspace)
    rows = list(csv.DictReader(io.StringIO(run("cases", "export", "-w", workspace))))
    assert {row["kind"] for row in rows} == {"lost_or_damaged", "refund_without_return"}
    target = tmp_path / "ledger.csv"
    run("ledger", "export", "-w", workspace, "--sku", "US-LAMP", "--output", str(target))
    ledger = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert {row["source"] for row in ledger} == {"inventory_ledger", "fee_preview"}
    since = list(
        csv.DictReader(
            io.StringIO(run("ledger", "export", "-w", workspace, "--since", "2026-05-01T00:00:00+00:00"))
        )
    )
    assert [row["source"] for row in since] == ["fee_preview"]


def test_bad_input_is_a_config_error(run: Callable[..., str], workspace: str) -> None:
    with pytest.raises(InvalidInput) as bad_status:
        run("cases", "list", "-w", workspace, "--status", "won")
    assert bad_status.value.exit_code == 2
    with pytest.raises(InvalidInput):
        run("ledger", "export", "-w", workspace, "--since", "yesterday")
    with pytest.raises(InvalidInput):
        run("ledger", "export", "-w", workspace, "--since", "2026-05-01T00:00:00")  # no timezone
    with pytest.raises(NotFound):
        run("cases", "show", "-w", workspace, "999")
