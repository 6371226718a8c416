"""shelfscope: self-hosted digital shelf data platform."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
