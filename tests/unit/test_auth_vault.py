from __future__ import annotations

import stat
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shelfscope.auth import vault as vault_module
from shelfscope.auth.vault import Vault, register_encrypted_column, rotate_all, rotate_keys
from shelfscope.db import Database
from shelfscope.errors import ConfigError
from shelfscope.settings import Settings


class _Base(DeclarativeBase):
    pass


class ProxyCredential(_Base):
    __tablename__ = "vault_test_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    password_encrypted: Mapped[str | None] = mapped_column(String(500))


@pytest.fixture
def credentials_db(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setattr(vault_module, "_ENCRYPTED_COLUMNS", [])
    db = Database.from_url(settings.resolved_database_url)
    _Base.metadata.create_all(db.engine)
    register_encrypted_column(ProxyCredential, "password_encrypted")
    yield db
    db.dispose()


def test_key_file_is_created_owner_only_on_first_use(settings: Settings) -> None:
    vault = Vault.from_settings(settings)
    path = settings.data_dir / "vault.keys"
    assert vault.key_file == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Vault.from_settings(settings).keys == vault.keys


def test_encrypt_then_decrypt_round_trips_without_plaintext_in_ciphertext(settings: Settings) -> None:
    vault = Vault.from_settings(settings)
    token = vault.encrypt("hunter2-proxy-password")
    assert "hunter2" not in token
    assert vault.decrypt(token) == "hunter2-proxy-password"


def test_configured_keys_are_used_and_no_file_is_written(settings: Settings) -> None:
    key = Fernet.generate_key().decode()
    configured = settings.model_copy(
        update={"vault": settings.vault.model_copy(update={"keys": [SecretStr(key)]})}
    )
    vault = Vault.from_settings(configured)
    assert vault.keys == (key,)
    assert not (settings.data_dir / "vault.keys").exists()
    assert Fernet(key.encode()).decrypt(vault.encrypt("x").encode()) == b"x"


def test_distributed_mode_without_configured_keys_is_a_config_error(settings: Settings) -> None:
    distributed = settings.model_copy(update={"database_url": "postgresql+psycopg://db/x"})
    with pytest.raises(ConfigError, match="VAULT__KEYS must be set in distributed mode"):
        Vault.from_settings(distributed)


def test_invalid_key_is_a_config_error_that_says_how_to_make_one() -> None:
    with pytest.raises(ConfigError, match=r"Fernet\.generate_key"):
        Vault(["not-a-key"])


def test_data_from_an_unknown_key_is_a_config_error(settings: Settings) -> None:
    foreign = Vault([Fernet.generate_key().decode()]).encrypt("secret")
    with pytest.raises(ConfigError, match="cannot be decrypted"):
        Vault.from_settings(settings).decrypt(foreign)


def test_rotate_all_re_encrypts_old_key_data_under_the_newest_key(credentials_db: Database) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with credentials_db.session() as session:
        session.add_all(
            [
                ProxyCredential(password_encrypted=Vault([old]).encrypt("pw-one")),
                ProxyCredential(password_encrypted=Vault([old]).encrypt("pw-two")),
                ProxyCredential(password_encrypted=None),
            ]
        )
    with credentials_db.session() as session:
        assert rotate_all(session, Vault([new, old])) == 2
    with credentials_db.session() as session:
        stored = list(
            session.scalars(select(ProxyCredential.password_encrypted).order_by(ProxyCredential.id))
        )
    first, second, empty = stored
    assert first is not None
    assert second is not None
    assert (Vault([new]).decrypt(first), Vault([new]).decrypt(second), empty) == ("pw-one", "pw-two", None)
    with pytest.raises(ConfigError):
        Vault([old]).decrypt(first)


def test_rotate_keys_writes_a_new_key_first_and_drops_old_ones(
    settings: Settings, credentials_db: Database
) -> None:
    before = Vault.from_settings(settings)
    with credentials_db.session() as session:
        session.add(ProxyCredential(password_encrypted=before.encrypt("proxy-pass")))
    result = rotate_keys(settings=settings, db=credentials_db)
    after = Vault.from_settings(settings)
    assert result.re_encrypted == 1
    assert result.keys_kept == 1
    assert len(after.keys) == 1
    assert after.keys[0] != before.keys[0]
    with credentials_db.session() as session:
        stored = session.scalar(select(ProxyCredential.password_encrypted))
    assert stored is not None
    assert after.decrypt(stored) == "proxy-pass"
    with pytest.raises(ConfigError):
        Vault(list(before.keys)).decrypt(stored)


def test_rotate_keys_can_keep_the_old_keys(settings: Settings, credentials_db: Database) -> None:
    before = Vault.from_settings(settings)
    result = rotate_keys(settings=settings, db=credentials_db, keep_old_keys=True)
    after = Vault.from_settings(settings)
    assert result.keys_kept == 2
    assert after.keys[1:] == before.keys


def test_running_vault_picks_up_keys_rotated_by_another_process(
    settings: Settings, credentials_db: Database
) -> None:
    running = Vault.from_settings(settings)
    with credentials_db.session() as session:
        session.add(ProxyCredential(password_encrypted=running.encrypt("still readable")))
    rotate_keys(settings=settings, db=credentials_db)
    with credentials_db.session() as session:
        stored = session.scalar(select(ProxyCredential.password_encrypted))
    assert stored is not None
    assert running.decrypt(stored) == "still readable"
    assert Vault.from_settings(settings).decrypt(running.encrypt("new")) == "new"


def test_registering_an_unknown_column_fails_loudly() -> None:
    with pytest.raises(ValueError, match="no column"):
        register_encrypted_column(ProxyCredential, "nope")
