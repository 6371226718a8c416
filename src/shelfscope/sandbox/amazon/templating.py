"""The Jinja environment of the simulated storefronts' templates (``templates/``)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["render"]


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("shelfscope.sandbox.amazon", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )


def render(template: str, **context: Any) -> str:
    """``template`` rendered with ``context``; a missing value is an error, not an empty string."""
    return _environment().get_template(template).render(**context)
