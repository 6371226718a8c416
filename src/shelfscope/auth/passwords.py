"""Password hashing (argon2id via pwdlib) and the password policy."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from shelfscope.errors import InvalidInput

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "dummy_verify",
    "hash_password",
    "validate_password",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 10
# argon2 takes any length, but megabyte "passwords" are a cheap way to burn server CPU.
MAX_PASSWORD_LENGTH = 1024


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def validate_password(password: str) -> None:
    """Raise :class:`InvalidInput` unless ``password`` meets the policy."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"password is too short: use at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"password is too long: use at most {MAX_PASSWORD_LENGTH} characters", field="password"
        )
    if not password.strip():
        raise InvalidInput("password must not be only whitespace", field="password")


def hash_password(password: str) -> str:
    """Validate and hash ``password``; the hash embeds its own salt and parameters."""
    validate_password(password)
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when ``password`` matches; never raises on a malformed hash or absurd input."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher().verify(password, password_hash)
    except Exception:
        return False


def dummy_verify(password: str) -> None:
    """Spend the time of a real check, so unknown emails cannot be told apart by timing."""
    verify_password(password, _dummy_hash())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not-a-real-password-for-timing")
