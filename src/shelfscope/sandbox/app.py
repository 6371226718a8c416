"""The sandbox ASGI app: every registered simulator under its mount, plus index, control and faults."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route

from shelfscope.errors import ShelfscopeError
from shelfscope.logs import get_logger
from shelfscope.sandbox._http import error_response
from shelfscope.sandbox.clock import SandboxClock
from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.control import control_routes
from shelfscope.sandbox.faults import fault_routes
from shelfscope.sandbox.index import index
from shelfscope.sandbox.registry import Simulator, SimulatorRegistry, load_simulators
from shelfscope.sandbox.vhosts import VirtualHosts
from shelfscope.settings import SandboxSettings, Settings

__all__ = ["create_sandbox_app"]


def _lifespan(
    registry: SimulatorRegistry, context: SandboxContext
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Run each simulator's own lifespan (mounted apps' lifespans are not run by Starlette)."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for simulator in registry:
                if simulator.lifespan is not None:
                    await stack.enter_async_context(simulator.lifespan(context))
            get_logger(__name__).info(
                "sandbox started", simulators=[sim.name for sim in registry], seed=context.seed
            )
            yield

    return lifespan


def create_sandbox_app(
    *,
    settings: Settings | None = None,
    clock: SandboxClock | None = None,
    simulators: Iterable[Simulator] | None = None,
) -> Starlette:
    """Build the sandbox: ``simulators`` (default: every module in ``SIMULATOR_MODULES``), mounted.

    ``app.state.sandbox`` is the :class:`SandboxContext` (clock, seeded randomness, ground-truth
    state) and ``app.state.simulators`` the :class:`SimulatorRegistry`, for tests and servers.
    """
    context = SandboxContext.from_settings(settings.sandbox if settings else SandboxSettings(), clock=clock)
    registry = load_simulators() if simulators is None else SimulatorRegistry(simulators)
    routes: list[BaseRoute] = [Route("/", index), *control_routes(), *fault_routes()]
    routes += [Mount(sim.mount, app=sim.factory(context), name=sim.name) for sim in registry]
    app = Starlette(
        routes=routes,
        lifespan=_lifespan(registry, context),
        exception_handlers={ShelfscopeError: error_response},
        middleware=[Middleware(VirtualHosts, routes=registry.host_routes())],
    )
    app.state.sandbox = context
    app.state.simulators = registry
    return app
