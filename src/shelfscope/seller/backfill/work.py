"""One claimed window being worked on: its row, its connection's client, and how to save it.

Every state change is committed at once in its own transaction: a report id must be durable
before anything else happens, so a restarted worker polls that report instead of creating a
duplicate (which Amazon may answer with FATAL). Rows are ingested in committed batches; a
window that dies mid-document re-ingests idempotently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update

from shelfscope.seller.ledger import IngestResult, batched, ingest_rows
from shelfscope.seller.ledger_reconcile import reconcile, reconcile_undated
from shelfscope.seller.ledger_rows import LedgerRow
from shelfscope.seller.models import BackfillWindow, SellerConnection
from shelfscope.seller.runtime import SellerRuntime
from shelfscope.seller.spapi_client import SpapiClient

__all__ = ["WindowWork"]


@dataclass
class WindowWork:
    runtime: SellerRuntime
    client: SpapiClient
    connection: SellerConnection
    window: BackfillWindow
    ingested: IngestResult
    keys: set[str] = field(default_factory=set, repr=False)
    """Reconciliation keys this window inserted, paired when it finishes."""

    def now(self) -> datetime:
        return self.runtime.platform.clock.now()

    @property
    def marketplace_id(self) -> str | None:
        """The window's marketplace; for region-wide reports, the region's first one."""
        if self.window.scope != self.connection.region:
            return self.window.scope
        return self.connection.marketplace_ids[0] if self.connection.marketplace_ids else None

    @property
    def marketplace_ids(self) -> list[str]:
        """What createReport is told: region-wide reports ignore it, but it must list 1-25 ids."""
        if self.window.scope != self.connection.region:
            return [self.window.scope]
        return list(self.connection.marketplace_ids[:25])

    def save(self, **values: Any) -> None:
        with self.runtime.platform.db.session() as session:
            session.execute(
                update(BackfillWindow).where(BackfillWindow.id == self.window.id).values(**values)
            )
        for name, value in values.items():
            setattr(self.window, name, value)

    def ingest(self, rows: Iterable[LedgerRow]) -> IngestResult:
        """Stream ``rows`` into the ledger in committed batches."""
        result = IngestResult()
        for batch in batched(rows):
            with self.runtime.platform.db.session() as session:
                result.add(
                    ingest_rows(
                        session,
                        batch,
                        workspace_id=self.connection.workspace_id,
                        connection_id=self.connection.id,
                        window_id=self.window.id,
                    )
                )
        self.keys |= result.reconciliation_keys
        result.reconciliation_keys.clear()
        self.ingested.add(result)
        return result

    def reconcile(self) -> int:
        """Pair the settlement lines and financial events this window brought in."""
        with self.runtime.platform.db.session() as session:
            paired = reconcile(session, connection_id=self.connection.id, keys=self.keys)
            paired += reconcile_undated(session, connection_id=self.connection.id)
        self.keys.clear()
        return paired

    def archived(self, key: str) -> None:
        """Remember that the window read the archived document ``key``."""
        if key not in self.window.archive_keys:
            self.save(archive_keys=[*self.window.archive_keys, key])
