"""Random credentials and their stored form.

Tokens carry at least 256 bits of randomness, so a plain SHA-256 is the right stored form: it
cannot be brute-forced and, unlike argon2, costs nothing on every authenticated request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["constant_time_equal", "new_token", "sha256_hex"]


def new_token(kind: str) -> str:
    """A fresh opaque credential such as ``srt_<43 url-safe characters>``; ``kind`` tells them apart."""
    return f"{kind}_{secrets.token_urlsafe(32)}"


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def constant_time_equal(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
