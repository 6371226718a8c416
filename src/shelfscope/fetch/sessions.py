"""Fetch sessions: one identity, one cookie jar and one proxy, living and dying together.

To a site, a visitor is the sum of its fingerprint, its cookies and its IP address. Changing one
while keeping the others (new IP, same cookies) is itself suspicious, so they are bound into a
:class:`FetchSession` and retired as a unit (Crawlee's Session): on a block, after a maximum age
(default 5 minutes, measured on the injected clock) or after a number of uses. Cookies persist
for the session's life, which is what makes a sequence of requests look like one visit.

Sessions are grouped by key (site, marketplace, device, language): an Amazon.de session never
serves Amazon.com. A key holds up to ``per_key`` live sessions, and requests are spread over
them by least use, so one burned session does not stall the others.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shelfscope.clock import Clock
from shelfscope.errors import InvalidInput
from shelfscope.fetch.cookies import SessionCookies
from shelfscope.fetch.identities import Identity, IdentitySpec, choose_identity
from shelfscope.fetch.proxies import DIRECT, Proxy
from shelfscope.logs import get_logger

__all__ = ["FetchSession", "SessionPool"]

log = get_logger(__name__)


@dataclass(eq=False, kw_only=True)
class FetchSession:
    """One simulated visitor. ``proxy`` is bound on first use by the proxy middleware."""

    id: str
    key: str
    identity: Identity
    accept_language: str
    created_at: datetime
    cookies: SessionCookies = field(default_factory=SessionCookies)
    proxy: Proxy | None = None
    proxy_bound: bool = False
    uses: int = 0
    retired_reason: str | None = None

    @property
    def retired(self) -> bool:
        return self.retired_reason is not None

    @property
    def proxy_id(self) -> str | None:
        if not self.proxy_bound:
            return None
        return self.proxy.id if self.proxy is not None else DIRECT

    def bind_proxy(self, proxy: Proxy | None) -> None:
        """Tie the session to ``proxy`` (None: direct) for the rest of its life."""
        if self.proxy_bound:
            raise InvalidInput(f"session {self.id} is already bound to a proxy", field="proxy")
        self.proxy, self.proxy_bound = proxy, True


class SessionPool:
    """Hands out live sessions per key and retires them by rule."""

    def __init__(
        self,
        *,
        identities: Sequence[Identity],
        clock: Clock,
        rng: random.Random,
        max_age: timedelta = timedelta(minutes=5),
        max_uses: int = 50,
        per_key: int = 3,
    ) -> None:
        if not identities:
            raise InvalidInput("a session pool needs at least one identity", field="identities")
        if max_uses < 1 or per_key < 1:
            raise InvalidInput("max_uses and per_key must be at least 1", field="sessions")
        self._identities = tuple(identities)
        self._clock, self._rng = clock, rng
        self._max_age, self._max_uses, self._per_key = max_age, max_uses, per_key
        self._by_key: dict[str, list[FetchSession]] = {}
        self._numbers = itertools.count(1)
        self._prefix = uuid.uuid4().hex[:6]
        self.retired_count = 0

    def acquire(self, *, key: str, spec: IdentitySpec, prefer: FetchSession | None = None) -> FetchSession:
        """A live session for ``key``, its use counted.

        ``prefer`` (the session of a previous attempt) is kept while it is live, so a retry that
        was not told to rotate stays the same visitor. Otherwise a new session is opened while
        fewer than ``per_key`` are live, else the least used one is shared.
        """
        now = self._clock.now()
        # A copy: retiring an expired session removes it from the key's list.
        live = [session for session in list(self._by_key.get(key, [])) if not self._expired(session, now)]
        if prefer is not None and prefer in live:
            session = prefer
        elif len(live) < self._per_key:
            session = self._create(key=key, spec=spec, now=now)
            live.append(session)
        else:
            session = min(live, key=lambda candidate: candidate.uses)
        self._by_key[key] = live
        session.uses += 1
        return session

    def retire(self, session: FetchSession, *, reason: str) -> None:
        """Take ``session`` out of service; its identity, cookies and proxy go with it."""
        if session.retired:
            return
        session.retired_reason = reason
        self.retired_count += 1
        siblings = self._by_key.get(session.key, [])
        if session in siblings:
            siblings.remove(session)
        log.info("fetch session retired", session=session.id, reason=reason, uses=session.uses)

    def live(self, key: str | None = None) -> list[FetchSession]:
        """Sessions not yet retired (for one key, or all)."""
        if key is not None:
            return [session for session in self._by_key.get(key, []) if not session.retired]
        return [session for group in self._by_key.values() for session in group if not session.retired]

    def _expired(self, session: FetchSession, now: datetime) -> bool:
        if session.retired:
            return True
        if now - session.created_at >= self._max_age:
            self.retire(session, reason="age")
        elif session.uses >= self._max_uses:
            self.retire(session, reason="uses")
        return session.retired

    def _create(self, *, key: str, spec: IdentitySpec, now: datetime) -> FetchSession:
        identity = choose_identity(
            self._identities, device=spec.device, rng=self._rng, chromium_only=spec.chromium_only
        )
        return FetchSession(
            id=f"{self._prefix}-{next(self._numbers)}",
            key=key,
            identity=identity,
            accept_language=spec.language_for(identity),
            created_at=now,
        )
