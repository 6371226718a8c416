"""Simulator descriptions, the registry's uniqueness rules, connector URLs and the seeded context."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp

from shelfscope.errors import Conflict, InvalidInput, NotFound
from shelfscope.sandbox import SandboxContext, Simulator, SimulatorRegistry, connector_urls, load_simulators
from shelfscope.sandbox.clock import SandboxClock
from shelfscope.sandbox.registry import SIMULATOR_MODULES
from shelfscope.settings import SandboxSettings


def _factory(_context: SandboxContext) -> ASGIApp:
    return PlainTextResponse("ok")


def simulator(**overrides: Any) -> Simulator:
    fields: dict[str, Any] = {
        "name": "spapi",
        "title": "SP-API",
        "description": "Selling Partner API",
        "mount": "/spapi",
        "factory": _factory,
        "base_urls": {"spapi_na": "/spapi/na", "spapi_eu": "/spapi/eu"},
    }
    return Simulator(**(fields | overrides))


def test_connector_urls_are_absolute_and_cover_every_simulator() -> None:
    lwa = simulator(name="lwa", mount="/lwa", base_urls={"lwa_token": "/lwa/auth/o2/token"})
    registry = SimulatorRegistry([simulator(), lwa])
    assert registry.connector_urls("http://127.0.0.1:8900/") == {
        "lwa_token": "http://127.0.0.1:8900/lwa/auth/o2/token",
        "spapi_eu": "http://127.0.0.1:8900/spapi/eu",
        "spapi_na": "http://127.0.0.1:8900/spapi/na",
    }
    assert connector_urls("http://sandbox:1", simulators=[lwa]) == {
        "lwa_token": "http://sandbox:1/lwa/auth/o2/token"
    }


def test_registry_iterates_by_mount_and_finds_by_name() -> None:
    registry = SimulatorRegistry()
    registry.register(simulator(name="zeta", mount="/a", base_urls={}))
    registry.register(simulator(name="alpha", mount="/b", base_urls={}))
    assert [sim.name for sim in registry] == ["zeta", "alpha"]
    assert registry.get("alpha").mount == "/b"
    assert len(registry) == 2
    with pytest.raises(NotFound):
        registry.get("missing")


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ({"mount": "/other", "base_urls": {}}, "already registered"),
        ({"name": "b", "mount": "/spapi/eu", "base_urls": {}}, "overlaps"),
        (
            {"name": "b", "mount": "/sp", "base_urls": {"spapi_na": "/sp/na"}},
            r"\['spapi_na'\] already served by spapi",
        ),
        ({"name": "b", "mount": "/sp", "base_urls": {}, "hosts": {"www.amazon.de": "/sp"}}, "hosts"),
    ],
)
def test_clashing_simulators_are_a_conflict(second: dict[str, Any], message: str) -> None:
    registry = SimulatorRegistry([simulator(hosts={"www.amazon.de": "/spapi/eu"})])
    with pytest.raises(Conflict, match=message):
        registry.register(simulator(**second))
    assert len(registry) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Bad Name"}, "name"),
        ({"mount": "/"}, "mount"),
        ({"mount": "/_faults"}, "mount"),
        ({"mount": "spapi"}, "mount"),
        ({"mount": "/spapi/"}, "mount"),
        ({"base_urls": {"spapi_na": "/elsewhere/na"}}, "base_urls"),
        ({"base_urls": {"Not-A-Setting": "/spapi"}}, "base_urls"),
        ({"base_urls": {"spapi_na": "/spapiX"}}, "base_urls"),
        ({"hosts": {"WWW.Amazon.de": "/spapi"}}, "hosts"),
        ({"hosts": {"www.amazon.de": "/lwa"}}, "hosts"),
    ],
)
def test_malformed_simulator_is_invalid_input(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        simulator(**overrides)
    assert caught.value.field == field


def test_default_modules_register_the_echo_simulator() -> None:
    assert "shelfscope.sandbox.echo" in SIMULATOR_MODULES
    registry = load_simulators()
    assert registry.get("echo").mount == "/echo"


def test_context_randomness_is_reproducible_per_seed_and_namespace() -> None:
    settings = SandboxSettings(seed=42, clock_speed=60)
    first = SandboxContext.from_settings(settings)
    second = SandboxContext.from_settings(settings)
    assert [first.rng.random() for _ in range(3)] == [second.rng.random() for _ in range(3)]
    assert first.rng_for("amazon").random() == second.rng_for("amazon").random()
    assert first.rng_for("amazon").random() != first.rng_for("shopee").random()
    assert (
        SandboxContext(clock=SandboxClock(), seed=7).rng_for("amazon").random()
        != first.rng_for("amazon").random()
    )
    assert first.clock.speed == 60.0
    assert first.seed == 42


def test_context_state_is_namespaced_and_shared() -> None:
    context = SandboxContext(clock=SandboxClock())
    context.state_for("spapi")["reports"] = 3
    assert context.state_for("spapi") == {"reports": 3}
    assert context.state == {"spapi": {"reports": 3}}
