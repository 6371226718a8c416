"""Health of each proxy: success rate, latency, blocks, consecutive failures, and cooldown.

A proxy that fails ``dead_after`` connections in a row is put in cooldown: it gets no new
sessions until the cooldown ends. It is then *on probation*: it may take traffic again, and one
more connection failure sends it back for twice as long (``cooldown_base · 2^(deaths-1)``, up to
``cooldown_max``), so a proxy that stays dead costs one attempt per ever-longer window while a
proxy that recovers is back at once. A success clears the death count.

Latency is an exponentially weighted moving average (``latency_alpha`` weight on the newest
sample), which follows a proxy that slows down without being thrown by one slow page. Blocks
(CAPTCHAs, 403s) count against the exit's reputation but do not make a proxy dead: the
connection worked, and the session rotation already moves on.
Time comes from an injected clock, so cooldowns are tested without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["HealthPolicy", "ProxyHealth"]


@dataclass(frozen=True, kw_only=True)
class HealthPolicy:
    dead_after: int = 3
    cooldown_base: float = 30.0
    cooldown_max: float = 3600.0
    latency_alpha: float = 0.2


@dataclass(kw_only=True)
class ProxyHealth:
    """Counters of one proxy since the pool started."""

    attempts: int = 0
    successes: int = 0
    connection_failures: int = 0
    blocks: int = 0
    consecutive_failures: int = 0
    latency_ewma: float | None = None
    deaths: int = 0
    cooldown_until: datetime | None = None

    @property
    def success_rate(self) -> float:
        return self.successes / self.attempts if self.attempts else 1.0

    def available(self, now: datetime) -> bool:
        """Whether new sessions may use the proxy (not in cooldown)."""
        return self.cooldown_until is None or now >= self.cooldown_until

    def record_success(self, *, latency: float, policy: HealthPolicy) -> None:
        self.attempts += 1
        self.successes += 1
        self.consecutive_failures = 0
        self.deaths = 0
        self.cooldown_until = None
        self._latency(latency, policy)

    def record_block(self, *, latency: float, policy: HealthPolicy) -> None:
        self.attempts += 1
        self.blocks += 1
        self.consecutive_failures = 0
        self._latency(latency, policy)

    def record_connection_failure(self, *, now: datetime, policy: HealthPolicy) -> bool:
        """Count a failed connection; True when the proxy has just been sent to cooldown."""
        self.attempts += 1
        self.connection_failures += 1
        self.consecutive_failures += 1
        on_probation = self.deaths > 0 and self.available(now)
        if self.consecutive_failures < policy.dead_after and not on_probation:
            return False
        if not self.available(now):
            return False  # already cooling down: late answers from before it died
        self.deaths += 1
        seconds = min(policy.cooldown_max, policy.cooldown_base * 2 ** (self.deaths - 1))
        self.cooldown_until = now + timedelta(seconds=seconds)
        self.consecutive_failures = 0
        return True

    def _latency(self, latency: float, policy: HealthPolicy) -> None:
        if self.latency_ewma is None:
            self.latency_ewma = latency
        else:
            self.latency_ewma += policy.latency_alpha * (latency - self.latency_ewma)
