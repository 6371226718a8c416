"""Third-party browser assets served from installed Python packages, never from the repository.

plotly.js comes from the ``plotly`` wheel's package data: installing shelfscope installs the
chart library, and nothing third-party is committed. The URL carries the package version, so
browsers may cache the 4 MB bundle for a year and fetch a new one only after an upgrade.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata, resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shelfscope.errors import NotFound

__all__ = ["PLOTLY_PATH", "plotly_url", "router"]

PLOTLY_PATH = "/vendor/plotly.min.js"
_LONG_CACHE = "public, max-age=31536000, immutable"

router = APIRouter(include_in_schema=False)


@cache
def _plotly_file() -> Path | None:
    try:
        candidate = resources.files("plotly") / "package_data" / "plotly.min.js"
    except ModuleNotFoundError:
        return None
    path = Path(str(candidate))
    return path if path.is_file() else None


@cache
def _plotly_version() -> str:
    try:
        return metadata.version("plotly")
    except metadata.PackageNotFoundError:
        return "missing"


def plotly_url() -> str:
    """The cache-busting URL of plotly.js for templates."""
    return f"{PLOTLY_PATH}?v={_plotly_version()}"


@router.get(PLOTLY_PATH)
def plotly_js() -> FileResponse:
    path = _plotly_file()
    if path is None:
        raise NotFound("plotly.js is not installed; install the 'plotly' package to see charts")
    return FileResponse(
        path,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": _LONG_CACHE, "X-Content-Type-Options": "nosniff"},
    )
