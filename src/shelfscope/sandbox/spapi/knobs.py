"""What a test or a demo can change about the LWA and SP-API simulators while they run.

Read and changed over HTTP (``GET``/``POST /spapi/_control``) or in-process through
:attr:`SpapiWorld.knobs`. Durations are sandbox seconds, so they scale with the clock's speed.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, fields
from typing import Any

from shelfscope.errors import InvalidInput

__all__ = ["OUTCOMES", "SpapiKnobs"]

OUTCOMES = ("DONE", "FATAL", "CANCELLED")


@dataclass
class SpapiKnobs:
    auto_approve: bool = True
    """The consent page approves at once (demo mode) instead of showing its Confirm button."""
    fatal_rate: float = 0.0
    """Share of on-demand reports that end FATAL (Amazon's FATAL is often throttling)."""
    cancelled_rate: float = 0.0
    """Share that end CANCELLED although they had data (Amazon cancels over-frequent requests)."""
    force_outcomes: list[str] = field(default_factory=list)
    """Outcomes for the next createReport calls, used up in order before the rates apply."""
    rate_limits: bool = True
    """Enforce the usage plans with 429 QuotaExceeded."""
    duplicate_request_fatal: bool = True
    """A request identical to one still IN_QUEUE/IN_PROGRESS ends FATAL (selling-partner-api-docs#1645)."""
    access_token_ttl_seconds: float = 3600.0
    auth_code_ttl_seconds: float = 300.0
    next_token_ttl_seconds: float = 1500.0
    """Finances NextTokens expire: "Token is not valid, token duration is 25 minutes.\""""
    document_url_ttl_seconds: float = 300.0
    """A report document URL "expires after 5 minutes"."""
    processing_delay_factor: float = 1.0
    """Scales how long reports wait IN_QUEUE and stay IN_PROGRESS."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def as_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                knob.name: list(value) if isinstance(value := getattr(self, knob.name), list) else value
                for knob in fields(self)
                if not knob.name.startswith("_")
            }

    def update(self, changes: dict[str, Any]) -> None:
        """Apply ``changes`` (all or nothing); unknown names or bad values are InvalidInput."""
        checked = {name: _check(name, value, getattr(self, name, None)) for name, value in changes.items()}
        with self._lock:
            for name, value in checked.items():
                setattr(self, name, value)

    def next_forced_outcome(self) -> str | None:
        with self._lock:
            return self.force_outcomes.pop(0) if self.force_outcomes else None


def _check(name: str, value: Any, current: Any) -> Any:
    if name.startswith("_") or current is None:
        raise InvalidInput(f"unknown SP-API sandbox knob {name!r}", field=name)
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise InvalidInput(f"{name} must be true or false", field=name)
        return value
    if isinstance(current, list):
        if not isinstance(value, list) or any(item not in OUTCOMES for item in value):
            raise InvalidInput(f"{name} must be a list of {', '.join(OUTCOMES)}", field=name)
        return list(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise InvalidInput(f"{name} must be a number >= 0", field=name)
    if name.endswith("_rate") and value > 1:
        raise InvalidInput(f"{name} is a share between 0 and 1", field=name)
    return float(value)
