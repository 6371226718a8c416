"""``GET /``: what this sandbox serves and where, for people (HTML) and for clients (JSON).

Any client, ours or a third party's, can be pointed at the sandbox from this page: it lists
every simulator with its absolute base URLs (built from the URL the page was reached at), the
host names it answers for, the fault endpoints and the control endpoints.
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.faults import FAULTS
from shelfscope.sandbox.registry import SimulatorRegistry

__all__ = ["CONTROL_ENDPOINTS", "describe_sandbox", "index", "wants_json"]

CONTROL_ENDPOINTS: tuple[tuple[str, str], ...] = (
    ("GET /", "This index: HTML, or JSON with Accept: application/json (or ?format=json)."),
    ("GET /_health", 'Liveness: {"status": "ok", …}.'),
    ("GET /_clock", "Sandbox time and speed."),
    ("POST /_clock", 'Move sandbox time: JSON {"advance_seconds": n, "speed": x}, both optional.'),
)


def _quality(media_range: str) -> tuple[str, float]:
    media, *params = (part.strip() for part in media_range.split(";"))
    quality = 1.0
    for param in params:
        key, _, value = param.partition("=")
        if key.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return media.lower(), quality


def wants_json(request: Request) -> bool:
    """JSON when asked for explicitly and preferred over HTML; HTML otherwise."""
    if request.query_params.get("format") == "json":
        return True
    ranked = [_quality(part) for part in request.headers.get("accept", "").split(",") if part.strip()]
    json_q = max((q for media, q in ranked if media == "application/json"), default=0.0)
    html_q = max((q for media, q in ranked if media == "text/html"), default=0.0)
    if json_q <= 0 or json_q < html_q:
        return False
    if json_q > html_q:
        return True
    medias = [media for media, _ in ranked]
    return medias.index("application/json") < medias.index("text/html")


def describe_sandbox(registry: SimulatorRegistry, context: SandboxContext, base_url: str) -> dict[str, Any]:
    """The index as data, with URLs absolute for a sandbox reached at ``base_url``."""
    root = base_url.rstrip("/")
    return {
        "base_url": root,
        "clock": context.clock.describe(),
        "seed": context.seed,
        "simulators": [
            {
                "name": sim.name,
                "title": sim.title,
                "description": sim.description,
                "url": sim.url(root),
                "base_urls": sim.absolute_urls(root),
                "hosts": {host: root + path for host, path in sim.hosts.items()},
            }
            for sim in registry
        ],
        "faults": [
            {
                "name": fault.name,
                "path": fault.path,
                "example": root + fault.example,
                "params": dict(fault.params),
                "description": fault.description,
            }
            for fault in FAULTS
        ],
        "control": [{"endpoint": endpoint, "description": text} for endpoint, text in CONTROL_ENDPOINTS],
    }


def _link(url: str) -> str:
    return f'<a href="{escape(url)}">{escape(url)}</a>'


def _simulator_rows(simulators: list[dict[str, Any]]) -> str:
    rows = []
    for sim in simulators:
        urls = "".join(f"<li><code>{escape(k)}</code> {_link(v)}</li>" for k, v in sim["base_urls"].items())
        hosts = "".join(f"<li><code>{escape(h)}</code> → {escape(p)}</li>" for h, p in sim["hosts"].items())
        rows.append(
            f"<tr><td><strong>{escape(sim['title'])}</strong><br><code>{escape(sim['name'])}</code></td>"
            f"<td>{escape(sim['description'])}</td><td>{_link(sim['url'])}<ul>{urls}</ul>"
            f"{'<p>Hosts:</p><ul>' + hosts + '</ul>' if hosts else ''}</td></tr>"
        )
    return "".join(rows) or '<tr><td colspan="3">No simulators registered.</td></tr>'


def _fault_rows(faults: list[dict[str, Any]]) -> str:
    rows = []
    for fault in faults:
        params = "".join(
            f"<li><code>{escape(name)}</code>: {escape(text)}</li>" for name, text in fault["params"].items()
        )
        rows.append(
            f"<tr><td><code>{escape(fault['path'])}</code></td><td>{escape(fault['description'])}"
            f"<ul>{params}</ul></td><td>{_link(fault['example'])}</td></tr>"
        )
    return "".join(rows)


def render_html(described: dict[str, Any]) -> str:
    control = "".join(
        f"<tr><td><code>{escape(c['endpoint'])}</code></td><td>{escape(c['description'])}</td></tr>"
        for c in described["control"]
    )
    clock = described["clock"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>shelfscope sandbox</title>
<style>
body{{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2430}}
table{{border-collapse:collapse;width:100%;margin-bottom:2rem}}
td,th{{border-bottom:1px solid #dde2ea;padding:.5rem;text-align:left;vertical-align:top}}
code{{background:#f2f4f8;padding:0 .2rem}}ul{{margin:.3rem 0;padding-left:1.2rem}}
</style></head><body>
<h1>shelfscope sandbox</h1>
<p>Local imitations of every outside system shelfscope talks to. Base URL {_link(described["base_url"])};
sandbox time {escape(clock["now"])} at {clock["speed"]:g} times real speed; seed {described["seed"]}.
The same listing as JSON: send <code>Accept: application/json</code>.</p>
<h2>Simulators</h2>
<table><thead>
<tr><th>Simulator</th><th>What it imitates</th><th>Base URLs (connector settings)</th></tr></thead>
<tbody>{_simulator_rows(described["simulators"])}</tbody></table>
<h2>Faults</h2>
<table><thead><tr><th>Endpoint</th><th>Behaviour</th><th>Example</th></tr></thead>
<tbody>{_fault_rows(described["faults"])}</tbody></table>
<h2>Control</h2>
<table><tbody>{control}</tbody></table>
</body></html>
"""


async def index(request: Request) -> Response:
    app_state = request.app.state
    described = describe_sandbox(app_state.simulators, app_state.sandbox, str(request.base_url))
    if wants_json(request):
        return JSONResponse(described)
    return HTMLResponse(render_html(described))
