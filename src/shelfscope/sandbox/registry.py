"""Which simulators the sandbox serves, where, and which connector settings point at them.

A feature adds its simulator by adding its module to :data:`SIMULATOR_MODULES`; the module
exposes ``register(registry: SimulatorRegistry) -> None``. The skeleton needs no other change.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from starlette.types import ASGIApp

from shelfscope.errors import Conflict, InvalidInput, NotFound
from shelfscope.sandbox.context import SandboxContext

__all__ = ["SIMULATOR_MODULES", "Simulator", "SimulatorRegistry", "load_simulators"]

SIMULATOR_MODULES: tuple[str, ...] = (
    "shelfscope.sandbox.echo",
    "shelfscope.sandbox.spapi",
    "shelfscope.sandbox.amazon",
    "shelfscope.sandbox.proxies",
)

AppFactory = Callable[[SandboxContext], ASGIApp]
Lifespan = Callable[[SandboxContext], AbstractAsyncContextManager[None]]

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_SETTING = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
_MOUNT = re.compile(r"^(/[A-Za-z0-9][A-Za-z0-9._~-]*)+$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def _under(path: str, mount: str) -> bool:
    return path == mount or path.startswith(mount + "/")


@dataclass(frozen=True, kw_only=True)
class Simulator:
    """One imitated outside system, mounted at ``mount`` in the sandbox app.

    ``base_urls`` maps connector setting names to root-relative paths under ``mount``
    (``{"spapi_na": "/spapi/na"}``); sandbox mode sets each of those settings to the sandbox URL
    plus the path. ``hosts`` maps real host names to such paths, so a request that reaches the
    sandbox with ``Host: www.amazon.de`` (through a local forward proxy, say) is served by the
    path ``/amazon/de`` + its own path. ``lifespan`` runs while the sandbox runs (side servers
    such as forward proxies, background state machines).
    """

    name: str
    title: str
    description: str
    mount: str
    factory: AppFactory
    base_urls: Mapping[str, str] = field(default_factory=dict)
    hosts: Mapping[str, str] = field(default_factory=dict)
    lifespan: Lifespan | None = None

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise InvalidInput(f"simulator name {self.name!r} must be a lowercase slug", field="name")
        if not _MOUNT.match(self.mount):
            raise InvalidInput(
                f"simulator {self.name}: mount {self.mount!r} must be a path like /spapi (not / or /_…)",
                field="mount",
            )
        for setting, path in self.base_urls.items():
            if not _SETTING.match(setting):
                raise InvalidInput(
                    f"simulator {self.name}: {setting!r} is not a setting name", field="base_urls"
                )
            if not _under(path, self.mount):
                raise InvalidInput(
                    f"simulator {self.name}: base URL {path!r} of {setting} is not under {self.mount}",
                    field="base_urls",
                )
        for host, path in self.hosts.items():
            if not _HOST.match(host):
                raise InvalidInput(
                    f"simulator {self.name}: {host!r} is not a lowercase host name", field="hosts"
                )
            if not _under(path, self.mount):
                raise InvalidInput(
                    f"simulator {self.name}: host {host} maps to {path!r}, not under {self.mount}",
                    field="hosts",
                )

    def url(self, base_url: str) -> str:
        """Absolute URL of the mount point on a sandbox reached at ``base_url``."""
        return base_url.rstrip("/") + self.mount

    def absolute_urls(self, base_url: str) -> dict[str, str]:
        """``base_urls`` made absolute for a sandbox reached at ``base_url``."""
        root = base_url.rstrip("/")
        return {setting: root + path for setting, path in self.base_urls.items()}


class SimulatorRegistry:
    """The simulators of one sandbox app; names, mounts, settings and hosts are unique."""

    def __init__(self, simulators: Iterable[Simulator] = ()) -> None:
        self._simulators: dict[str, Simulator] = {}
        for simulator in simulators:
            self.register(simulator)

    def register(self, simulator: Simulator) -> Simulator:
        """Add a simulator; a clash with one already registered is a :class:`Conflict`."""
        if simulator.name in self._simulators:
            raise Conflict(f"a simulator named {simulator.name} is already registered")
        for other in self._simulators.values():
            if _under(simulator.mount, other.mount) or _under(other.mount, simulator.mount):
                raise Conflict(f"simulator {simulator.name}: mount {simulator.mount} overlaps {other.name}'s")
            for kind, mine, theirs in (
                ("settings", simulator.base_urls, other.base_urls),
                ("hosts", simulator.hosts, other.hosts),
            ):
                if clash := sorted(set(mine) & set(theirs)):
                    raise Conflict(
                        f"simulator {simulator.name}: {kind} {clash} already served by {other.name}"
                    )
        self._simulators[simulator.name] = simulator
        return simulator

    def get(self, name: str) -> Simulator:
        try:
            return self._simulators[name]
        except KeyError:
            raise NotFound(f"no simulator named {name}") from None

    def __iter__(self) -> Iterator[Simulator]:
        return iter(sorted(self._simulators.values(), key=lambda sim: sim.mount))

    def __len__(self) -> int:
        return len(self._simulators)

    def connector_urls(self, base_url: str) -> dict[str, str]:
        """Every connector setting served here, pointed at a sandbox reached at ``base_url``."""
        urls: dict[str, str] = {}
        for simulator in self:
            urls.update(simulator.absolute_urls(base_url))
        return dict(sorted(urls.items()))

    def host_routes(self) -> dict[str, str]:
        """Real host name → sandbox path prefix, across all simulators."""
        return {host: path for simulator in self for host, path in simulator.hosts.items()}


def load_simulators(modules: Iterable[str] = SIMULATOR_MODULES) -> SimulatorRegistry:
    """A fresh registry filled by each module's ``register(registry)``."""
    registry = SimulatorRegistry()
    for name in modules:
        importlib.import_module(name).register(registry)
    return registry
