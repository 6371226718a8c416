"""A bench-local page server: pre-rendered, pre-gzipped pages served from their own process.

The fetch benchmarks measure the *client*. Rendering a 2 MB search page in the storefront
simulator takes hundreds of milliseconds, which would make the server the bottleneck, and a
server in the client's process would share its core and GIL. So pages are rendered once at
start (real-size storefront pages via ``?big=1``, or the real fixture pages read in place),
gzipped once, and served as bytes by uvicorn in a separate process.

    python bench/_page_server.py --source storefront --count 8    # prints "READY <base url>"

Routes: ``/bench/s/{n}`` serves page ``n mod count``; ``/bench/shop/{n}`` a small page whose own
script fetches ``/bench/api/items`` (for the browser memory run); ``/bench/img/{n}.png`` an image.
"""

from __future__ import annotations

import argparse
import gzip
import os
import socket
import subprocess
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

KEYWORDS = (
    "usb hub",
    "phone case",
    "yoga mat",
    "coffee grinder",
    "desk lamp",
    "air fryer",
    "dog bed",
    "headphones",
)
SHOP = """<!DOCTYPE html><html><head><title>bench shop {n}</title></head><body>
<img src="/bench/img/1.png"><img src="/bench/img/2.png"><div id="out"></div>
<script>fetch("/bench/api/items?n={n}").then(r => r.json())
  .then(d => {{ document.getElementById("out").textContent = d.items.length; }});</script>
</body></html>"""


def storefront_pages(count: int) -> list[bytes]:
    """Real-size search pages from the storefront simulator (1-2.6 MB each)."""
    from shelfscope.sandbox import SandboxServer, create_sandbox_app
    from shelfscope.sandbox.amazon import configure

    with SandboxServer(app=create_sandbox_app()) as sandbox:
        configure(sandbox.context, big_pages=True)
        import httpx

        pages = []
        for keyword in KEYWORDS[:count]:
            reply = httpx.get(f"{sandbox.url}/amazon/us/s", params={"k": keyword, "big": "1"}, timeout=60)
            reply.raise_for_status()
            pages.append(reply.content)
    return pages


def fixture_pages(count: int) -> list[bytes]:
    """The largest real search pages of the shared fixtures, read in place."""
    root = Path(
        os.environ.get(
            "SHELFSCOPE_REAL_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures"
        )
    )
    paths = sorted((root / "amazon" / "serp").glob("us_*.html"), key=lambda path: -path.stat().st_size)
    return [path.read_bytes() for path in paths[:count]]


def _small_page() -> bytes:
    """A 60 kB search-like page, for runs that count requests rather than parse cost."""
    card = '<div data-component-type="s-search-result" data-asin="B0{n:08d}"><h2>item {n}</h2></div>'
    cards = "".join(card.format(n=n) for n in range(600))
    body = f'<div class="s-main-slot">{cards}</div>'
    return f"<html><head><title>small</title></head><body>{body}</body></html>".encode()


def create_app(pages: list[bytes]) -> Starlette:
    compressed = [gzip.compress(page, 6) for page in pages]
    headers = {
        "content-encoding": "gzip",
        "content-type": "text/html;charset=UTF-8",
        "vary": "Accept-Encoding",
    }
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )

    async def serp(request: Request) -> Response:
        return Response(compressed[int(request.path_params["n"]) % len(compressed)], headers=headers)

    small = gzip.compress(_small_page(), 6)

    async def small_page(_request: Request) -> Response:
        return Response(small, headers=headers)

    async def shop(request: Request) -> Response:
        return HTMLResponse(SHOP.format(n=int(request.path_params["n"])))

    async def items(request: Request) -> Response:
        return JSONResponse(
            {
                "n": request.query_params.get("n"),
                "items": [{"itemid": i, "price": i * 100} for i in range(40)],
            }
        )

    async def image(_request: Request) -> Response:
        return Response(png, media_type="image/png")

    return Starlette(
        routes=[
            Route("/bench/s/{n:int}", serp),
            Route("/bench/small/{n:int}", small_page),
            Route("/bench/shop/{n:int}", shop),
            Route("/bench/api/items", items),
            Route("/bench/img/{name}", image),
        ]
    )


def start_page_server(source: str, count: int) -> tuple[subprocess.Popen[str], str]:
    """Start the server in its own process; returns it (terminate it when done) and its base URL."""
    command = [sys.executable, __file__, "--source", source, "--count", str(count)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = "sandbox logs"
    while line and not line.startswith("READY "):  # the sandbox logs to stdout while rendering
        line = server.stdout.readline()
    if not line:
        raise SystemExit(f"page server did not start (exit {server.wait()})")
    print(f"page server: {line.strip()[6:]}")
    return server, line.split()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=["storefront", "fixtures"], default="storefront")
    parser.add_argument("--count", type=int, default=8)
    args = parser.parse_args()
    pages = storefront_pages(args.count) if args.source == "storefront" else fixture_pages(args.count)
    sizes = ", ".join(f"{len(page) / 1e6:.2f}" for page in pages)
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    print(f"READY http://127.0.0.1:{port} pages={len(pages)} sizes_mb=[{sizes}]", flush=True)
    config = uvicorn.Config(create_app(pages), log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    sys.exit(0)


if __name__ == "__main__":
    main()
