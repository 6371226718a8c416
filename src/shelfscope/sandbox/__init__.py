"""Local simulators of every outside system shelfscope talks to, in one ASGI app (ARCHITECTURE §5).

Features add a simulator by listing its module in ``registry.SIMULATOR_MODULES``; the module's
``register(registry)`` registers a :class:`Simulator`. Tests and ``serve --sandbox`` run it with
:class:`SandboxServer`; sandbox mode points every connector at :func:`connector_urls`.
"""

from __future__ import annotations

from shelfscope.sandbox.app import create_sandbox_app
from shelfscope.sandbox.clock import SandboxClock
from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.registry import SIMULATOR_MODULES, Simulator, SimulatorRegistry, load_simulators
from shelfscope.sandbox.server import SandboxServer, connector_urls

__all__ = [
    "SIMULATOR_MODULES",
    "SandboxClock",
    "SandboxContext",
    "SandboxServer",
    "Simulator",
    "SimulatorRegistry",
    "connector_urls",
    "create_sandbox_app",
    "load_simulators",
]
