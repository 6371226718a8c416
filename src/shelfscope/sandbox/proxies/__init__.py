"""Local forward proxies for the sandbox: real sockets, configurable faults (ARCHITECTURE §5)."""

from __future__ import annotations

from shelfscope.sandbox.proxies.forward import ForwardProxy, ProxyBehaviour, ProxyCounters
from shelfscope.sandbox.proxies.simulator import (
    CAPTCHA_HEADER,
    DEFAULT_PROXY_COUNT,
    ProxyFleet,
    fleet_of,
    proxies_simulator,
    register,
)

__all__ = [
    "CAPTCHA_HEADER",
    "DEFAULT_PROXY_COUNT",
    "ForwardProxy",
    "ProxyBehaviour",
    "ProxyCounters",
    "ProxyFleet",
    "fleet_of",
    "proxies_simulator",
    "register",
]
