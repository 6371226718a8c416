"""The state one fetch carries through the middleware chain.

A :class:`Request` is immutable; what the middleware decide on the way (the identity spec, the
session, the attempt number, the client's raw answer) lives on the :class:`Exchange` that wraps
it. The retry middleware starts each attempt with :meth:`Exchange.begin_attempt`, which clears
the per-attempt fields, and appends the attempt's record when it ends. ``sent_at`` (a
``perf_counter`` reading) and ``response`` are set around the client call, so an attempt's time
excludes throttle waits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shelfscope.fetch.identities import IdentitySpec
from shelfscope.fetch.models import Request, Response
from shelfscope.fetch.sessions import FetchSession
from shelfscope.fetch.signals import AttemptRecord

__all__ = ["Exchange"]


@dataclass(eq=False, kw_only=True)
class Exchange:
    request: Request
    started_at: datetime
    spec: IdentitySpec | None = None
    session: FetchSession | None = None
    attempt: int = 0
    sent_at: float | None = None
    response: Response | None = None
    attempts: list[AttemptRecord] = field(default_factory=list)

    def begin_attempt(self) -> None:
        self.attempt += 1
        self.sent_at = None
        self.response = None

    def require_session(self) -> FetchSession:
        """The session of this attempt; the session middleware must have run."""
        if self.session is None:
            raise RuntimeError("no fetch session: the session middleware did not run before this stage")
        return self.session

    def require_spec(self) -> IdentitySpec:
        if self.spec is None:
            raise RuntimeError("no identity spec: the identity middleware did not run before this stage")
        return self.spec
