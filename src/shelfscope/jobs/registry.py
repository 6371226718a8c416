"""Which run kinds exist and which function executes each.

Features register their kinds from their ``tasks.py`` with :func:`register_kind`; the worker
imports every module in :data:`TASK_MODULES` before it consumes the queue, so a kind is known
wherever runs execute. Handlers are plain functions taking a
:class:`~shelfscope.jobs.context.RunContext` and returning a JSON-able result dict (or None).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shelfscope.errors import InvalidInput

if TYPE_CHECKING:
    from shelfscope.jobs.context import RunContext

__all__ = [
    "TASK_MODULES",
    "Handler",
    "KindSpec",
    "find_kind",
    "known_kinds",
    "load_task_modules",
    "register_kind",
    "require_kind",
    "unregister_kind",
]

Handler = Callable[["RunContext"], "dict[str, Any] | None"]

# Every module that registers run kinds; add a feature's ``tasks`` module here.
TASK_MODULES: tuple[str, ...] = (
    "shelfscope.jobs.demo",
    "shelfscope.ranks.tasks",
    "shelfscope.ranks.demo",
    "shelfscope.alerts.tasks",
    "shelfscope.fetch.tasks",
    "shelfscope.seller.tasks",
)


@dataclass(frozen=True, slots=True)
class KindSpec:
    name: str
    handler: Handler
    max_attempts: int | None = None


_kinds: dict[str, KindSpec] = {}
_lock = threading.Lock()


def register_kind(name: str, handler: Handler, *, max_attempts: int | None = None) -> KindSpec:
    """Make ``name`` executable by ``handler``. Re-registering the same handler is a no-op."""
    if not name or len(name) > 100:
        raise ValueError(f"run kind names are 1-100 characters, got {name!r}")
    if max_attempts is not None and max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    spec = KindSpec(name=name, handler=handler, max_attempts=max_attempts)
    with _lock:
        existing = _kinds.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"run kind {name!r} is already registered by {existing.handler.__module__}")
        _kinds[name] = spec
    return spec


def unregister_kind(name: str) -> None:
    """Forget a kind (tests register throwaway kinds)."""
    with _lock:
        _kinds.pop(name, None)


def find_kind(name: str) -> KindSpec | None:
    with _lock:
        return _kinds.get(name)


def known_kinds() -> list[str]:
    with _lock:
        return sorted(_kinds)


def require_kind(name: str) -> KindSpec:
    """The kind's spec, loading task modules first; :class:`InvalidInput` if nobody registered it."""
    load_task_modules()
    spec = find_kind(name)
    if spec is None:
        raise InvalidInput(
            f"unknown run kind {name!r}; known kinds: {', '.join(known_kinds())}", field="kind"
        )
    return spec


def load_task_modules() -> None:
    """Import every module in :data:`TASK_MODULES` so their kinds are registered (idempotent)."""
    for module in TASK_MODULES:
        importlib.import_module(module)
