"""Bot defences of the simulated storefronts: session cookies, CAPTCHAs, 503s and slow answers.

Amazon hands every new visitor a ``session-id`` cookie and expects it back. The guard does the
same and decides, per page request, what the visitor gets:

1. A request without a ``session-id`` is a new visitor: it is served and given a session. With
   ``captcha_without_cookies``, a client (same address and user agent) that already holds an
   issued session it never sent back gets the CAPTCHA instead: it is dropping cookies.
2. A session that got a CAPTCHA keeps getting it for ``captcha_block_seconds`` unless solved.
3. A session sending more than ``captcha_after_requests`` requests within the rate window gets
   the CAPTCHA and is flagged.
4. Otherwise a seeded draw decides a 503 and, independently, a slow answer.

Every request draws the same two numbers from the guard's seeded generator, whatever the
settings, so a test with the same seed and the same request sequence sees the same faults.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from shelfscope.sandbox.amazon.settings import AmazonSandboxSettings

__all__ = ["BotGuard", "CaptchaChallenge", "Verdict"]

_CAPTCHA_LETTERS = "ABCDEFGHJKLMNPRTUXY"


@dataclass(slots=True)
class _Session:
    requests: deque[datetime] = field(default_factory=deque)
    flagged_until: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """What one page request gets."""

    action: Literal["serve", "captcha", "unavailable"]
    session_id: str | None
    """The session the request belongs to (``None`` for a cookieless client that got a CAPTCHA)."""
    new_session: bool
    """Whether ``session_id`` was issued by this response (the cookie must be set)."""
    slow_seconds: float = 0.0
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptchaChallenge:
    token: str
    characters: str
    session_id: str | None
    fingerprint: str


class BotGuard:
    """Per-sandbox state of sessions, cookieless clients and outstanding CAPTCHAs; thread-safe."""

    def __init__(self, *, generator: random.Random) -> None:
        self._generator = generator
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}
        self._unreturned: dict[str, tuple[str, datetime]] = {}
        self._challenges: dict[str, CaptchaChallenge] = {}

    def _new_session_id(self) -> str:
        draw = self._generator.randrange
        return f"{draw(130, 262)}-{draw(10**6, 10**7):07d}-{draw(10**6, 10**7):07d}"

    def decide(
        self, *, settings: AmazonSandboxSettings, now: datetime, session_id: str | None, fingerprint: str
    ) -> Verdict:
        """The verdict for a page request from ``fingerprint`` carrying ``session_id`` (or none)."""
        with self._lock:
            fault_draw, slow_draw = self._generator.random(), self._generator.random()
            new_session = False
            if session_id is None:
                if settings.captcha_without_cookies and self._drops_cookies(settings, now, fingerprint):
                    return Verdict(action="captcha", session_id=None, new_session=False, reason="no_cookies")
                session_id, new_session = self._new_session_id(), True
                self._unreturned[fingerprint] = (session_id, now)
            elif self._unreturned.get(fingerprint, ("", now))[0] == session_id:
                del self._unreturned[fingerprint]
            session = self._sessions.setdefault(session_id, _Session())
            if session.flagged_until is not None and now < session.flagged_until:
                return Verdict(
                    action="captcha", session_id=session_id, new_session=new_session, reason="flagged"
                )
            session.requests.append(now)
            window_start = now - timedelta(seconds=settings.rate_window_seconds)
            while session.requests and session.requests[0] <= window_start:
                session.requests.popleft()
            limit = settings.captcha_after_requests
            if limit is not None and len(session.requests) > limit:
                session.flagged_until = now + timedelta(seconds=settings.captcha_block_seconds)
                return Verdict(
                    action="captcha", session_id=session_id, new_session=new_session, reason="rate"
                )
            if fault_draw < settings.error_503_rate:
                return Verdict(action="unavailable", session_id=session_id, new_session=new_session)
            slow = settings.slow_seconds if slow_draw < settings.slow_rate else 0.0
            return Verdict(action="serve", session_id=session_id, new_session=new_session, slow_seconds=slow)

    def _drops_cookies(self, settings: AmazonSandboxSettings, now: datetime, fingerprint: str) -> bool:
        issued = self._unreturned.get(fingerprint)
        if issued is None:
            return False
        if now - issued[1] > timedelta(seconds=settings.rate_window_seconds):
            del self._unreturned[fingerprint]  # long enough ago to be a new visit
            return False
        return True

    def challenge(self, *, session_id: str | None, fingerprint: str) -> CaptchaChallenge:
        """A new CAPTCHA for this visitor; its characters solve it."""
        with self._lock:
            token = (
                "".join(
                    self._generator.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                    for _ in range(22)
                )
                + "=="
            )
            characters = "".join(self._generator.choice(_CAPTCHA_LETTERS) for _ in range(6))
            challenge = CaptchaChallenge(
                token=token, characters=characters, session_id=session_id, fingerprint=fingerprint
            )
            self._challenges[token] = challenge
            return challenge

    def solve(self, *, token: str, answer: str) -> CaptchaChallenge | None:
        """Clear the visitor's flag when ``answer`` solves the CAPTCHA ``token``; ``None`` otherwise."""
        with self._lock:
            challenge = self._challenges.get(token)
            if challenge is None or answer.strip().upper() != challenge.characters:
                return None
            del self._challenges[token]
            if challenge.session_id is not None:
                self._sessions[challenge.session_id] = _Session()
            self._unreturned.pop(challenge.fingerprint, None)
            return challenge

    def reset(self) -> None:
        """Forget every session, cookieless client and CAPTCHA."""
        with self._lock:
            self._sessions.clear()
            self._unreturned.clear()
            self._challenges.clear()
