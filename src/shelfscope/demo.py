"""The offline demo: a seeded workspace whose data the sandbox keeps alive.

Features add a module to ``DEMO_SEED_MODULES`` exposing
``seed_demo(session, platform, *, workspace_id, owner_id) -> None``; it runs once, when the
demo workspace is first created.
"""

from __future__ import annotations

import importlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.alerts.models import Notification
from shelfscope.alerts.notifications import notify
from shelfscope.auth.audit import AuditActor, actor_context
from shelfscope.auth.models import Membership, Workspace
from shelfscope.auth.principal import Role
from shelfscope.auth.workspaces import create_workspace
from shelfscope.jobs.demo import create_demo_runs
from shelfscope.platform import Platform

__all__ = ["DEMO_SEED_MODULES", "DEMO_WORKSPACE_NAME", "seed_demo"]

DEMO_WORKSPACE_NAME = "Demo shop"
DEMO_SEED_MODULES: tuple[str, ...] = (
    "shelfscope.ranks.demo",
    "shelfscope.ranks.demo_alerts",
    "shelfscope.seller.demo",
)


def _first_owner(session: Session) -> int | None:
    query = select(Membership.user_id).where(Membership.role == Role.OWNER).order_by(Membership.id).limit(1)
    return session.scalar(query)


def _demo_workspace(session: Session, owner_id: int) -> Workspace:
    """The owner's workspace named like the demo (made on first start with --demo), or a new one."""
    query = (
        select(Workspace)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Workspace.name == DEMO_WORKSPACE_NAME, Membership.user_id == owner_id)
        .order_by(Workspace.id)
        .limit(1)
    )
    return session.scalar(query) or create_workspace(session, owner_id=owner_id, name=DEMO_WORKSPACE_NAME)


def _already_seeded(session: Session, workspace_id: int) -> bool:
    marker = select(Notification.id).where(
        Notification.workspace_id == workspace_id, Notification.kind == "demo"
    )
    return session.scalar(marker.limit(1)) is not None


def seed_demo(platform: Platform) -> int | None:
    """Fill the demo workspace once; returns its id, or None when it was seeded before."""
    with actor_context(AuditActor(via="system")), platform.db.session() as session:
        owner_id = _first_owner(session)
        if owner_id is None:
            return None
        workspace = _demo_workspace(session, owner_id)
        if _already_seeded(session, workspace.id):
            return None
        create_demo_runs(
            session,
            platform,
            workspace_id=workspace.id,
            count=3,
            items=60,
            sleep_seconds=0.5,
            created_by_user_id=owner_id,
        )
        for module in DEMO_SEED_MODULES:
            importlib.import_module(module).seed_demo(
                session, platform, workspace_id=workspace.id, owner_id=owner_id
            )
        notify(
            session,
            platform.bus,
            workspace_id=workspace.id,
            title="Welcome to the shelfscope demo",
            body=(
                "Everything here runs offline against the built-in sandbox. "
                "Watch the demo jobs progress live."
            ),
            link="/jobs",
            level="success",
            kind="demo",
        )
        return workspace.id
