"""What every simulator gets when it is built: the sandbox clock, seeded randomness, shared state."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from shelfscope.sandbox.clock import SandboxClock
from shelfscope.settings import SandboxSettings

__all__ = ["SandboxContext"]


@dataclass(frozen=True, kw_only=True)
class SandboxContext:
    """Shared by all simulators of one sandbox app.

    ``state`` is where simulators keep what tests may query afterwards (ground truth: rows
    served, planted cases, issued tokens), one namespace per simulator via :meth:`state_for`.
    Simulators handle requests on the server's event loop while tests read from another thread,
    so compound updates hold ``lock``.
    """

    clock: SandboxClock
    seed: int = 0
    settings: SandboxSettings = field(default_factory=SandboxSettings)
    state: dict[str, Any] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rng", random.Random(self.seed))  # noqa: S311 - simulation, not security

    @classmethod
    def from_settings(cls, settings: SandboxSettings, *, clock: SandboxClock | None = None) -> SandboxContext:
        return cls(
            clock=clock or SandboxClock(speed=settings.clock_speed),
            seed=settings.seed,
            settings=settings,
        )

    def rng_for(self, namespace: str) -> random.Random:
        """A generator of its own for ``namespace``: deterministic per (seed, namespace).

        Simulators draw from their own generator so one simulator's traffic never changes
        what another one serves.
        """
        return random.Random(f"{self.seed}:{namespace}")  # noqa: S311 - simulation, not security

    def state_for(self, namespace: str) -> dict[str, Any]:
        """The shared-state dictionary of one simulator, created on first use."""
        with self.lock:
            return self.state.setdefault(namespace, {})  # type: ignore[no-any-return]
