"""The platform handle: settings plus every shared component, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from shelfscope.auth.vault import Vault
from shelfscope.clock import Clock, SystemClock
from shelfscope.db import Database
from shelfscope.events.bus import build_bus
from shelfscope.events.types import EventBus
from shelfscope.jobs.queue import JobQueue, build_queue
from shelfscope.settings import Settings

__all__ = ["Platform"]


@dataclass
class Platform:
    """What services need from the platform. Passed down, never imported as a global."""

    settings: Settings
    db: Database
    bus: EventBus
    queue: JobQueue
    vault: Vault
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> Platform:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database.from_url(settings.resolved_database_url)
        return cls(
            settings=settings,
            db=db,
            bus=build_bus(settings),
            queue=build_queue(settings),
            vault=Vault.from_settings(settings),
            clock=clock or SystemClock(),
        )

    def close(self) -> None:
        self.bus.close()
        self.queue.close()
        self.db.dispose()
