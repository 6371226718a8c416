"""Accounts: users, workspaces and roles, sessions and tokens, API keys, audit log, secret vault.

What other packages use: :class:`Principal` and :class:`Role` (who acts, and may they),
:class:`Auditable` (mark a model so its mutations are audited), :func:`actor_context` (attribute
mutations outside a request, e.g. in the CLI or a job), and the vault (encrypt stored credentials,
register their columns for key rotation). Services live in their own modules (``users``,
``workspaces``, ``members``, ``invitations``, ``api_keys``, ``web_sessions``, ``refresh``, ...);
FastAPI dependencies are in :mod:`shelfscope.api.deps`.
"""

from __future__ import annotations

from shelfscope.auth.audit import Auditable, AuditActor, actor_context
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.vault import Vault, register_encrypted_column

__all__ = [
    "AuditActor",
    "Auditable",
    "Principal",
    "Role",
    "Vault",
    "actor_context",
    "register_encrypted_column",
]
