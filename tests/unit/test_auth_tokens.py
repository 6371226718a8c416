from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from pydantic import SecretStr

from shelfscope.auth.principal import Role
from shelfscope.auth.tokens import decode_access_token, issue_access_token
from shelfscope.clock import FakeClock
from shelfscope.errors import AuthenticationRequired
from shelfscope.settings import Settings


def test_access_token_carries_user_workspace_role_and_lifetime(settings: Settings) -> None:
    clock = FakeClock()
    token, expires_in = issue_access_token(
        settings=settings, user_id=7, workspace_id=3, role=Role.ADMIN, now=clock.now()
    )
    assert expires_in == settings.auth.access_token_minutes * 60
    raw = jwt.decode(token, settings.secret_key_value(), algorithms=["HS256"], options={"verify_exp": False})
    assert raw["sub"] == "7"
    assert raw["wid"] == 3
    assert raw["role"] == "admin"
    assert raw["typ"] == "access"
    assert raw["exp"] - raw["iat"] == expires_in
    assert len(raw["jti"]) == 32
    claims = decode_access_token(token, settings=settings, now=clock.now())
    assert (claims.user_id, claims.workspace_id, claims.role) == (7, 3, Role.ADMIN)


def test_access_token_expires_by_the_injected_clock(settings: Settings) -> None:
    clock = FakeClock()
    token, expires_in = issue_access_token(
        settings=settings, user_id=1, workspace_id=1, role=Role.MEMBER, now=clock.now()
    )
    clock.advance(timedelta(seconds=expires_in - 1))
    assert decode_access_token(token, settings=settings, now=clock.now()).user_id == 1
    clock.advance(1)
    with pytest.raises(AuthenticationRequired, match="expired"):
        decode_access_token(token, settings=settings, now=clock.now())


def test_token_signed_with_another_key_is_rejected(settings: Settings) -> None:
    clock = FakeClock()
    other = settings.model_copy(update={"secret_key": SecretStr("x" * 40)})
    token, _ = issue_access_token(settings=other, user_id=1, workspace_id=1, role=Role.OWNER, now=clock.now())
    with pytest.raises(AuthenticationRequired, match="invalid"):
        decode_access_token(token, settings=settings, now=clock.now())


def test_token_of_another_type_is_rejected(settings: Settings) -> None:
    clock = FakeClock()
    now = int(clock.now().timestamp())
    claims = {
        "sub": "1",
        "wid": 1,
        "role": "owner",
        "iat": now,
        "exp": now + 60,
        "jti": "a",
        "typ": "refresh",
    }
    token = jwt.encode(claims, settings.secret_key_value(), algorithm="HS256")
    with pytest.raises(AuthenticationRequired, match="not an access token"):
        decode_access_token(token, settings=settings, now=clock.now())


def test_token_without_required_claims_is_rejected(settings: Settings) -> None:
    token = jwt.encode({"sub": "1"}, settings.secret_key_value(), algorithm="HS256")
    with pytest.raises(AuthenticationRequired):
        decode_access_token(token, settings=settings, now=FakeClock().now())
