"""Every module that defines tables, so metadata and migrations see the whole schema."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from shelfscope.db.base import Base

__all__ = ["MODEL_MODULES", "load_all_models"]

MODEL_MODULES: tuple[str, ...] = (
    "shelfscope.fetch.models_db",
    "shelfscope.auth.models",
    "shelfscope.jobs.models",
    "shelfscope.alerts.models",
    "shelfscope.ranks.models",
    "shelfscope.ranks.alert_rules",
    "shelfscope.seller.models",
    "shelfscope.seller.cases.models",
)


def load_all_models() -> MetaData:
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata
