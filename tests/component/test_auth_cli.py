"""The user, workspace, apikey and secrets commands against a real database."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import typer
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select
from typer.testing import CliRunner

from shelfscope.auth import cli as auth_cli
from shelfscope.auth import passwords
from shelfscope.auth.api_keys import authenticate_api_key
from shelfscope.auth.login import login_with_password
from shelfscope.auth.models import ApiKey, AuditLog
from shelfscope.auth.vault import Vault
from shelfscope.clock import FakeClock
from shelfscope.db.registry import load_all_models
from shelfscope.errors import AuthenticationRequired, Conflict, InvalidInput, ShelfscopeError
from shelfscope.platform import Platform
from shelfscope.settings import Settings

PASSWORD = "correct-horse-battery"

_CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1),))


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, test-sized: the production cost (~0.3 s a hash) would dominate the suite."""
    monkeypatch.setattr(passwords, "_hasher", lambda: _CHEAP_HASHER)


@pytest.fixture
def platform(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    platform = Platform.from_settings(settings, clock=FakeClock())
    load_all_models().create_all(platform.db.engine)

    @contextmanager
    def test_platform(*_: object, **__: object) -> Iterator[Platform]:
        yield platform

    monkeypatch.setattr(auth_cli, "cli_platform", test_platform)
    yield platform
    platform.close()


@pytest.fixture
def run(platform: Platform) -> Iterator[Callable[..., str]]:
    app = typer.Typer()
    auth_cli.register(app)
    runner = CliRunner()

    def invoke(*args: str) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=True)
        if isinstance(result.exception, ShelfscopeError):
            raise result.exception
        assert result.exit_code == 0, result.output
        return result.output

    yield invoke


def test_user_create_list_and_reset_password(run: Callable[..., str], platform: Platform) -> None:
    invoke = run
    assert "created user 1 ann@example.com" in invoke(
        "user", "create", "Ann@Example.com", "--password", PASSWORD
    )
    invoke("user", "create", "bob@example.com", "--password", PASSWORD, "--display-name", "Bob")
    listed = json.loads(invoke("user", "list", "--json"))
    assert [(u["email"], u["display_name"]) for u in listed] == [
        ("ann@example.com", ""),
        ("bob@example.com", "Bob"),
    ]
    assert "signed out" in invoke(
        "user", "reset-password", "ann@example.com", "--password", "fresh-password-2"
    )
    with platform.db.session() as session:
        user = login_with_password(
            session,
            email="ann@example.com",
            password="fresh-password-2",
            ip="cli",
            settings=platform.settings.auth,
            now=platform.clock.now(),
        )
        assert user.email == "ann@example.com"
    with platform.db.session() as session, pytest.raises(AuthenticationRequired):
        login_with_password(
            session,
            email="ann@example.com",
            password=PASSWORD,
            ip="cli",
            settings=platform.settings.auth,
            now=platform.clock.now(),
        )


def test_bad_input_raises_errors_that_exit_with_2(run: Callable[..., str]) -> None:
    invoke = run
    with pytest.raises(InvalidInput, match="at least 10") as caught:
        invoke("user", "create", "a@example.com", "--password", "short")
    assert caught.value.exit_code == 2
    with pytest.raises(InvalidInput, match="no workspace with id or slug 'nope'"):
        invoke("apikey", "list", "--workspace", "nope")
    with pytest.raises(InvalidInput, match="no user with email"):
        invoke("workspace", "create", "Shop", "--owner", "ghost@example.com")
    invoke("user", "create", "a@example.com", "--password", PASSWORD)
    with pytest.raises(Conflict):
        invoke("user", "create", "A@example.com", "--password", PASSWORD)


def test_workspace_commands_and_cli_actor_in_audit(run: Callable[..., str], platform: Platform) -> None:
    invoke = run
    invoke("user", "create", "owner@example.com", "--password", PASSWORD)
    invoke("user", "create", "m@example.com", "--password", PASSWORD)
    assert "created workspace 1 acme-inc owned by owner@example.com" in invoke(
        "workspace", "create", "Acme Inc", "--owner", "owner@example.com", "--timezone", "Europe/Rome"
    )
    assert "m@example.com is now viewer of acme-inc" in invoke(
        "workspace", "add-member", "acme-inc", "m@example.com", "--role", "viewer"
    )
    listed = json.loads(invoke("workspace", "list", "--json"))
    assert listed == [
        {"id": 1, "slug": "acme-inc", "name": "Acme Inc", "timezone": "Europe/Rome", "members": 2}
    ]
    with platform.db.session() as session:
        vias = set(session.scalars(select(AuditLog.via)))
    assert vias == {"cli"}


def test_apikey_create_prints_the_key_once_then_list_and_revoke(
    run: Callable[..., str], platform: Platform
) -> None:
    invoke = run
    invoke("user", "create", "owner@example.com", "--password", PASSWORD)
    invoke("workspace", "create", "Acme", "--owner", "owner@example.com")
    output = invoke("apikey", "create", "--workspace", "acme", "--name", "etl", "--role", "viewer")
    key = output.strip().splitlines()[-1]
    assert key.startswith("ssk_")
    with platform.db.session() as session:
        principal = authenticate_api_key(session, key=key, now=platform.clock.now())
        assert principal.role.value == "viewer"
    listed = invoke("apikey", "list", "--workspace", "1", "--json")
    assert key not in listed
    assert [(k["name"], k["revoked_at"]) for k in json.loads(listed)] == [("etl", None)]
    key_id = json.loads(listed)[0]["id"]
    assert f"revoked API key {key_id} (etl)" in invoke("apikey", "revoke", str(key_id), "--workspace", "acme")
    with platform.db.session() as session:
        assert session.scalar(select(ApiKey.revoked_at)) == platform.clock.now()


def test_secrets_rotate_replaces_the_key_file(
    run: Callable[..., str], platform: Platform, settings: Settings
) -> None:
    invoke = run
    before = Vault.from_settings(settings).keys
    output = invoke("secrets", "rotate")
    after = Vault.from_settings(settings).keys
    assert "re-encrypted 0 stored secrets" in output
    assert len(after) == 1
    assert after != before
    kept = invoke("secrets", "rotate", "--keep-old-keys")
    assert "vault.keys now holds 2 key(s)" in kept
    assert Vault.from_settings(settings).keys[1:] == after
