from __future__ import annotations

import pytest

from shelfscope.auth.passwords import hash_password, validate_password, verify_password
from shelfscope.errors import InvalidInput


def test_hash_is_argon2id_and_verifies_only_the_right_password() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert "correct horse battery" not in hashed
    assert verify_password("correct horse battery", hashed) is True
    assert verify_password("correct horse batterY", hashed) is False


def test_same_password_hashes_differently_each_time() -> None:
    assert hash_password("0123456789") != hash_password("0123456789")


def test_short_password_is_refused_with_the_minimum_named() -> None:
    with pytest.raises(InvalidInput, match="at least 10 characters") as caught:
        hash_password("short")
    assert caught.value.field == "password"


def test_whitespace_only_password_is_refused() -> None:
    with pytest.raises(InvalidInput, match="whitespace"):
        validate_password(" " * 12)


def test_malformed_hash_or_huge_input_fails_verification_without_raising() -> None:
    assert verify_password("whatever-long", "not-a-hash") is False
    assert verify_password("x" * 5000, hash_password("0123456789")) is False
