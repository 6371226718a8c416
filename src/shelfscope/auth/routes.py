"""The accounts API, mounted under ``/api/v1``: tokens and sessions, workspaces and members,
invitations, API keys and the audit log."""

from __future__ import annotations

from fastapi import APIRouter

from shelfscope.auth import _routes_access, _routes_tokens, _routes_workspaces

__all__ = ["router"]

router = APIRouter()
router.include_router(_routes_tokens.router)
router.include_router(_routes_workspaces.router)
router.include_router(_routes_access.router)
