"""User accounts: create, look up, list and reset passwords."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shelfscope.auth.models import RefreshToken, User, WebSession
from shelfscope.auth.passwords import hash_password
from shelfscope.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "count_users",
    "create_user",
    "find_user_by_email",
    "get_user",
    "list_users",
    "normalize_email",
    "reset_password",
]

MAX_EMAIL_LENGTH = 254


def normalize_email(email: str) -> str:
    """Trimmed and lower-cased; refuses what cannot be an address (no deliverability check)."""
    normalized = email.strip().lower()
    local, at, domain = normalized.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in normalized) or domain.startswith("."):
        raise InvalidInput(f"{email!r} is not an email address", field="email")
    if len(normalized) > MAX_EMAIL_LENGTH:
        raise InvalidInput(f"email address is longer than {MAX_EMAIL_LENGTH} characters", field="email")
    return normalized


def create_user(
    session: Session, *, email: str, password: str, display_name: str = "", is_active: bool = True
) -> User:
    """A new account; the email must not be taken."""
    normalized = normalize_email(email)
    if find_user_by_email(session, email=normalized) is not None:
        raise Conflict(f"a user with email {normalized} already exists")
    user = User(
        email=normalized,
        password_hash=hash_password(password),
        display_name=display_name.strip()[:120],
        is_active=is_active,
    )
    session.add(user)
    session.flush()
    return user


def find_user_by_email(session: Session, *, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def list_users(session: Session, *, limit: int = 200, offset: int = 0) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id).limit(limit).offset(offset)))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def reset_password(session: Session, *, email: str, password: str, now: datetime) -> User:
    """Set a new password and sign the user out everywhere (sessions and refresh tokens)."""
    user = find_user_by_email(session, email=normalize_email(email))
    if user is None:
        raise NotFound(f"no user with email {email.strip().lower()}")
    user.password_hash = hash_password(password)
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.flush()
    return user
