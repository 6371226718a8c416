"""The secret vault: every stored credential is Fernet-encrypted, with key rotation.

Keys come from ``settings.vault.keys`` (newest first) or, in embedded mode, from
``<data_dir>/vault.keys`` (one key per line, newest first, created 0600 on first use). Several
machines cannot share a file, so distributed mode must configure the keys.

Columns holding ciphertext are registered with :func:`register_encrypted_column`;
:func:`rotate_all` re-encrypts all of them under the newest key, which is what
``shelfscope secrets rotate`` runs (see :func:`rotate_keys` for the whole procedure).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from shelfscope.db import Database
from shelfscope.errors import ConfigError
from shelfscope.logs import get_logger
from shelfscope.settings import Settings

__all__ = [
    "KeyRotation",
    "Vault",
    "encrypted_columns",
    "register_encrypted_column",
    "rotate_all",
    "rotate_keys",
]

log = get_logger(__name__)

KEY_FILE_NAME = "vault.keys"
_BATCH = 500


class Vault:
    """Encrypts with the newest key, decrypts with any configured key."""

    def __init__(self, keys: Sequence[str], *, key_file: Path | None = None) -> None:
        self.key_file = key_file
        self._load(keys)

    def _load(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ConfigError("the vault needs at least one key")
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                "a vault key is not a valid Fernet key (32 url-safe base64-encoded bytes); "
                "generate one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`"
            ) from exc
        self.keys: tuple[str, ...] = tuple(keys)

    def _refresh(self) -> None:
        """Pick up a key file rewritten by ``shelfscope secrets rotate`` in another process.

        The file is tiny and vault operations are rare (credentials, not requests), so it is
        simply re-read; timestamps are too coarse to tell two quick rewrites apart.
        """
        if self.key_file is None:
            return
        try:
            keys = tuple(_read_keys(self.key_file))
        except FileNotFoundError:
            return
        if keys and keys != self.keys:
            self._load(keys)

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        configured = [key.get_secret_value().strip() for key in settings.vault.keys]
        if configured:
            return cls(configured)
        if settings.distributed:
            raise ConfigError(
                "SHELFSCOPE_VAULT__KEYS must be set in distributed mode: every process must decrypt with "
                "the same keys (for example SHELFSCOPE_VAULT__KEYS='[\"<fernet key>\"]')"
            )
        path = settings.data_dir / KEY_FILE_NAME
        return cls(_read_or_create_key_file(path), key_file=path)

    def encrypt(self, plaintext: str) -> str:
        self._refresh()
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        self._refresh()
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ConfigError(
                "a stored secret cannot be decrypted with the configured vault keys; "
                "was a key removed before `shelfscope secrets rotate` finished?"
            ) from exc

    def rotate_token(self, token: str) -> str:
        """Re-encrypt ``token`` under the newest key (a no-op in meaning, new ciphertext)."""
        self._refresh()
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise ConfigError("a stored secret cannot be decrypted with the configured vault keys") from exc


def _read_keys(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _write_keys(path: Path, keys: Sequence[str]) -> None:
    """Replace the key file atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("# shelfscope vault keys, newest first. Losing this file loses every stored secret.\n")
        handle.write("".join(f"{key}\n" for key in keys))
    tmp.replace(path)


def _read_or_create_key_file(path: Path) -> list[str]:
    if path.exists():
        keys = _read_keys(path)
        if not keys:
            raise ConfigError(f"{path} holds no vault keys; restore it from a backup")
        return keys
    keys = [Fernet.generate_key().decode()]
    _write_keys(path, keys)
    log.info("vault_key_created", path=str(path))
    return keys


# Registry of columns that hold vault ciphertext ------------------------------------------------

_ENCRYPTED_COLUMNS: list[tuple[type[Any], str]] = []


def register_encrypted_column(model: type[Any], attr: str) -> None:
    """Declare that ``model.attr`` stores :meth:`Vault.encrypt` output, so rotation covers it."""
    if attr not in inspect(model).columns:
        raise ValueError(f"{model.__name__} has no column {attr!r}")
    if (model, attr) not in _ENCRYPTED_COLUMNS:
        _ENCRYPTED_COLUMNS.append((model, attr))


def encrypted_columns() -> list[tuple[type[Any], str]]:
    return list(_ENCRYPTED_COLUMNS)


def _rotate_column(session: Session, vault: Vault, model: type[Any], attr: str) -> int:
    mapper = inspect(model)
    (pk,) = mapper.primary_key
    column = mapper.columns[attr]
    done, last = 0, None
    while True:
        query = select(pk, column).where(column.is_not(None)).order_by(pk).limit(_BATCH)
        if last is not None:
            query = query.where(pk > last)
        batch = session.execute(query).all()
        for row_id, ciphertext in batch:
            session.execute(
                update(mapper.local_table).where(pk == row_id).values({attr: vault.rotate_token(ciphertext)})
            )
        done += len(batch)
        if len(batch) < _BATCH:
            return done
        last = batch[-1][0]


def rotate_all(session: Session, vault: Vault) -> int:
    """Re-encrypt every registered column under the vault's newest key; returns values rewritten."""
    return sum(_rotate_column(session, vault, model, attr) for model, attr in encrypted_columns())


@dataclass(frozen=True, slots=True)
class KeyRotation:
    re_encrypted: int
    keys_kept: int
    key_file: Path | None


def rotate_keys(*, settings: Settings, db: Database, keep_old_keys: bool = False) -> KeyRotation:
    """Rotate the vault key: new key first, re-encrypt everything, then drop the old keys.

    With a key file the whole procedure runs here, in an order that is safe to interrupt: the
    new key is written next to the old ones before anything is re-encrypted, and old keys are
    dropped only after the re-encryption committed. With keys from settings, the operator puts
    the new key first in the configuration; this re-encrypts under it, and the old keys can then
    be removed from the configuration.
    """
    current = Vault.from_settings(settings)
    if current.key_file is None:
        with db.session() as session:
            count = rotate_all(session, current)
        return KeyRotation(re_encrypted=count, keys_kept=len(current.keys), key_file=None)
    keys = [Fernet.generate_key().decode(), *current.keys]
    _write_keys(current.key_file, keys)
    rotated = Vault(keys, key_file=current.key_file)
    with db.session() as session:
        count = rotate_all(session, rotated)
    if not keep_old_keys:
        keys = keys[:1]
        _write_keys(current.key_file, keys)
    log.info("vault_keys_rotated", re_encrypted=count, keys=len(keys))
    return KeyRotation(re_encrypted=count, keys_kept=len(keys), key_file=current.key_file)
