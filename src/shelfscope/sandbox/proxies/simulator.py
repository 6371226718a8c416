"""The ``proxies`` simulator: a fleet of local forward proxies plus a storefront to reach through them.

The sandbox starts ``count`` HTTP and ``socks`` SOCKS5 :class:`ForwardProxy` instances on free
loopback ports while it runs (the simulator's lifespan), each forwarding every request to the
sandbox itself. The fleet is in
the context state (``context.state_for("proxies")["fleet"]``) so tests and the selftest change
behaviour, kill proxies and read counters through :class:`ProxyFleet`.

Under the mount:

* ``GET /proxies/`` lists the fleet with its counters (the sandbox index links here);
* ``GET /proxies/ip`` answers ``{"ip", "country"}`` like a provider's "my IP" page: the address
  the request came from and the exit country the proxy announced;
* ``GET /proxies/shop/{path}`` serves a small product page, or a real Amazon image CAPTCHA
  page when the request came through a proxy flagged with :data:`CAPTCHA_HEADER`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from shelfscope.errors import NotFound
from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.proxies.forward import ForwardProxy, ProxyBehaviour
from shelfscope.sandbox.registry import Simulator, SimulatorRegistry

__all__ = ["CAPTCHA_HEADER", "DEFAULT_PROXY_COUNT", "ProxyFleet", "fleet_of", "proxies_simulator", "register"]

#: A proxy that adds this header gets CAPTCHA pages from ``/proxies/shop``: its exit is burned.
CAPTCHA_HEADER = "x-sandbox-burned-exit"
DEFAULT_PROXY_COUNT = 2
_STATE = "proxies"


class ProxyFleet:
    """The running proxies of one sandbox, by name (``proxy-1`` … then ``socks-1`` …)."""

    def __init__(self, *, count: int, socks: int = 0, upstream: tuple[str, int] | None = None) -> None:
        self.proxies = [
            ForwardProxy(name=f"proxy-{n}", behaviour=ProxyBehaviour(exit_country="US"), seed=n)
            for n in range(1, count + 1)
        ]
        self.proxies += [
            ForwardProxy(name=f"socks-{n}", behaviour=ProxyBehaviour(), seed=100 + n, protocol="socks5")
            for n in range(1, socks + 1)
        ]
        self.upstream = upstream
        self.loop: asyncio.AbstractEventLoop | None = None

    def __iter__(self) -> Iterator[ForwardProxy]:
        return iter(self.proxies)

    def __len__(self) -> int:
        return len(self.proxies)

    def get(self, name: str) -> ForwardProxy:
        for proxy in self.proxies:
            if proxy.name == name:
                return proxy
        raise NotFound(f"no sandbox proxy named {name}")

    def burn(self, name: str) -> None:
        """Make every page fetched through ``name`` a CAPTCHA."""
        self.get(name).behaviour.extra_headers[CAPTCHA_HEADER] = "1"

    def kill(self, name: str) -> None:
        """Kill ``name`` now, from any thread."""
        proxy = self.get(name)
        if self.loop is not None:
            self.loop.call_soon_threadsafe(proxy.kill)
        else:
            proxy.kill()

    async def start(self, *, upstream: tuple[str, int] | None) -> None:
        self.loop = asyncio.get_running_loop()
        for proxy in self.proxies:
            proxy.upstream = self.upstream or upstream
            await proxy.start()

    async def stop(self) -> None:
        for proxy in self.proxies:
            await proxy.stop()


def fleet_of(context: SandboxContext) -> ProxyFleet:
    """The fleet of a running sandbox."""
    fleet = context.state_for(_STATE).get("fleet")
    if not isinstance(fleet, ProxyFleet):
        raise NotFound("the proxies simulator is not running in this sandbox")
    return fleet


def _captcha_page() -> bytes:
    """The storefront's own robot-check page (image variant), for exits the proxies have burned."""
    from shelfscope.marketplaces import amazon_marketplace
    from shelfscope.sandbox.amazon.render_pages import render_captcha

    return render_captcha(
        market=amazon_marketplace("US"),
        root="",
        amzn="proxy-burned-exit",
        return_to="/",
        characters="ABCDEF",
        style="image",
    )


def _product_page(path: str) -> str:
    return (
        "<!doctype html><html lang='en-us'><head><title>Amazon.com: Sandbox item</title></head>"
        f"<body><div id='dp'><span id='productTitle'>Sandbox item {path}</span>"
        "<span class='a-price'><span class='a-offscreen'>$19.99</span></span></div></body></html>"
    )


def create_proxies_app(context: SandboxContext) -> ASGIApp:
    async def listing(_request: Request) -> Response:
        try:
            fleet = fleet_of(context)
        except NotFound:
            return JSONResponse({"proxies": []})
        return JSONResponse({"proxies": [proxy.summary() for proxy in fleet]})

    async def my_ip(request: Request) -> Response:
        client = request.client
        country = request.headers.get("x-sandbox-exit-country")
        return JSONResponse({"ip": client.host if client else None, "country": country})

    async def shop(request: Request) -> Response:
        if request.headers.get(CAPTCHA_HEADER):
            return HTMLResponse(_captcha_page(), status_code=200)
        return HTMLResponse(_product_page(request.path_params["path"]))

    return Starlette(
        routes=[
            Route("/", listing),
            Route("/ip", my_ip),
            Route("/shop/{path:path}", shop),
        ]
    )


def proxies_simulator(*, count: int = DEFAULT_PROXY_COUNT, socks: int = 0) -> Simulator:
    """The simulator with ``count`` HTTP and ``socks`` SOCKS5 proxies (the selftest asks for
    its own number of HTTP ones)."""

    @asynccontextmanager
    async def lifespan(context: SandboxContext) -> AsyncIterator[None]:
        fleet = ProxyFleet(count=count, socks=socks)
        state = context.state_for(_STATE)
        await fleet.start(upstream=state.get("upstream"))
        state["fleet"] = fleet
        try:
            yield
        finally:
            await fleet.stop()
            state.pop("fleet", None)

    return Simulator(
        name="proxies",
        title="Forward proxies",
        description=(
            "Local HTTP forward proxies (plain and CONNECT) and SOCKS5 proxies, with auth, latency, "
            "failure rate and dies-after-N; a storefront page that turns into a CAPTCHA for burned exits."
        ),
        mount="/proxies",
        factory=create_proxies_app,
        lifespan=lifespan,
    )


def register(registry: SimulatorRegistry) -> None:
    registry.register(proxies_simulator(socks=1))
