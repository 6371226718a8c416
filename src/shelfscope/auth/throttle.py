"""Login throttling: too many failed passwords for one (email, IP) within a window → RateLimited.

Attempts live in the database, so the limit holds across web replicas and restarts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shelfscope.auth.models import LoginAttempt
from shelfscope.errors import RateLimited
from shelfscope.settings import AuthSettings

__all__ = ["check_login_allowed", "record_login_attempt"]


def check_login_allowed(
    session: Session, *, email: str, ip: str, settings: AuthSettings, now: datetime
) -> None:
    """Raise RateLimited (with seconds until the oldest counted failure expires) when locked out."""
    window = timedelta(seconds=settings.login_window_seconds)
    recent = list(
        session.scalars(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.email == email,
                LoginAttempt.ip == ip,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at > now - window,
            )
            .order_by(LoginAttempt.at.desc())
            .limit(settings.login_max_failures)
        )
    )
    if len(recent) < settings.login_max_failures:
        return
    retry_after = max(1.0, (recent[-1] + window - now).total_seconds())
    raise RateLimited(
        f"too many failed logins; try again in {int(retry_after)} seconds", retry_after=retry_after
    )


def record_login_attempt(
    session: Session, *, email: str, ip: str, succeeded: bool, settings: AuthSettings, now: datetime
) -> None:
    """Store the attempt; a success clears the failures of that (email, IP)."""
    if succeeded:
        session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False)
            )
        )
    else:
        expired = now - timedelta(seconds=settings.login_window_seconds)
        session.execute(
            delete(LoginAttempt).where(LoginAttempt.succeeded.is_(False), LoginAttempt.at <= expired)
        )
    session.add(LoginAttempt(email=email, ip=ip, succeeded=succeeded, at=now))
    session.flush()
