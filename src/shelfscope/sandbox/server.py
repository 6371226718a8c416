"""Run the sandbox with uvicorn: in a background thread (``serve --sandbox``, tests) or in the foreground.

The server binds its socket itself, so port 0 resolves to a free port before uvicorn starts and
``url`` is known at once; a port already taken is a :class:`ConfigError`, not a thread crash.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from shelfscope.errors import ConfigError, UpstreamUnavailable
from shelfscope.sandbox.app import create_sandbox_app
from shelfscope.sandbox.clock import SandboxClock
from shelfscope.sandbox.connections import tracking_protocol
from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.registry import Simulator, SimulatorRegistry, load_simulators
from shelfscope.settings import Settings

__all__ = ["SandboxServer", "connector_urls"]


def connector_urls(base_url: str, *, simulators: Iterable[Simulator] | None = None) -> dict[str, str]:
    """Every connector base-URL setting, pointed at a sandbox reached at ``base_url``."""
    registry = load_simulators() if simulators is None else SimulatorRegistry(simulators)
    return registry.connector_urls(base_url)


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def _url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if host in {"0.0.0.0", "::"}:  # noqa: S104 - naming the wildcard, not binding it
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"  # noqa: S104
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, telling us when it accepts connections."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._on_started()


class SandboxServer:
    """The sandbox app on ``host``:``port``; ``start()``/``stop()`` or ``with SandboxServer(...) as s``."""

    def __init__(
        self,
        *,
        app: Starlette | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 10.0,
    ) -> None:
        if not 0 <= port <= 65535:
            raise ConfigError(f"sandbox port must be between 0 and 65535, got {port}")
        self.app = app or create_sandbox_app()
        self.host, self.port = host, port
        self._startup_timeout = startup_timeout
        self._sock: socket.socket | None = None
        self._url: str | None = None
        self._server: _Uvicorn | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        host: str | None = None,
        port: int | None = None,
        clock: SandboxClock | None = None,
        simulators: Iterable[Simulator] | None = None,
    ) -> SandboxServer:
        """A server on ``settings.sandbox.host``/``port`` (overridable) for a new sandbox app."""
        app = create_sandbox_app(settings=settings, clock=clock, simulators=simulators)
        return cls(
            app=app,
            host=settings.sandbox.host if host is None else host,
            port=settings.sandbox.port if port is None else port,
        )

    @property
    def context(self) -> SandboxContext:
        """Clock, randomness and ground-truth state of the served sandbox."""
        context: SandboxContext = self.app.state.sandbox
        return context

    @property
    def simulators(self) -> SimulatorRegistry:
        registry: SimulatorRegistry = self.app.state.simulators
        return registry

    @property
    def url(self) -> str:
        """Base URL, without a trailing slash; known once bound."""
        if self._url is None:
            raise ConfigError("the sandbox server is not bound yet; call bind() or start() first")
        return self._url

    def connector_urls(self) -> dict[str, str]:
        """Every connector setting served here, pointed at this server."""
        return self.simulators.connector_urls(self.url)

    def bind(self) -> str:
        """Take the port now (resolving port 0) and return the URL; idempotent."""
        if self._sock is None:
            self._sock = _bind(self.host, self.port)
            self._url = _url_of(self._sock)
        return self.url

    def _uvicorn(self, on_started: Callable[[str], None] | None = None) -> _Uvicorn:
        config = uvicorn.Config(
            self.app,
            http=tracking_protocol(),
            lifespan="on",
            log_config=None,
            access_log=False,
            server_header=False,  # simulators send the Server header of the system they imitate
            timeout_graceful_shutdown=2,
        )
        url = self.url

        def started() -> None:
            self._started.set()
            if on_started is not None:
                on_started(url)

        self._server = _Uvicorn(config, on_started=started)
        return self._server

    def _serve(self, server: _Uvicorn, sock: socket.socket) -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported by start(); SystemExit on a failed startup
            self._error = exc

    def start(self) -> str:
        """Serve in a background thread; returns the URL once connections are accepted."""
        if self._thread is not None:
            return self.url
        self._started.clear()
        self._error = None
        self.bind()
        assert self._sock is not None
        sock, server = self._sock, self._uvicorn()
        self._thread = threading.Thread(target=self._serve, args=(server, sock), name="sandbox", daemon=True)
        self._thread.start()
        if not self._wait_started():
            self.stop()
            raise UpstreamUnavailable(f"the sandbox did not start on {self.url}: {self._error!r}")
        return self.url

    def _wait_started(self) -> bool:
        assert self._thread is not None
        deadline = time.monotonic() + self._startup_timeout
        while not self._started.wait(0.01):
            if time.monotonic() > deadline or not self._thread.is_alive():
                return self._started.is_set()
        return True

    def run(self, *, on_started: Callable[[str], None] | None = None) -> None:
        """Serve in this thread until SIGINT/SIGTERM; ``on_started(url)`` once connections are accepted."""
        self.bind()
        assert self._sock is not None
        try:
            self._uvicorn(on_started).run(sockets=[self._sock])
        finally:
            self._close_socket()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and release the port; idempotent."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(timeout)
            self._thread = None
        self._close_socket()

    def _close_socket(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
