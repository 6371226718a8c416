"""What a channel sends: one alert, or a day's digest of alerts, in a shape every sender renders.

Links in stored alerts are dashboard paths (``/ranks/jobs/4?keyword=9``); outside the dashboard
they need the site's address, so messages carry absolute links when ``web.public_url`` is set
(otherwise the path is sent as it is, which a reader can still paste after their host).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shelfscope.alerts.models import AlertEvent

__all__ = ["AlertItem", "Message", "absolute_link", "alert_message", "digest_message"]

DIGEST_ITEMS = 50
"""Alerts listed in one digest; the count still says how many there were."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertItem:
    id: int
    kind: str
    level: str
    title: str
    body: str
    link: str | None
    fired_at: datetime
    rule: str
    subject: str
    source: str
    source_id: int | None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "level": self.level,
            "title": self.title,
            "body": self.body,
            "link": self.link,
            "fired_at": self.fired_at.isoformat(),
            "rule": self.rule,
            "subject": self.subject,
            "source": self.source,
            "source_id": self.source_id,
            "details": self.details,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """One alert (``digest_day`` None, one item) or a digest (``total`` may exceed the items)."""

    workspace_id: int
    items: tuple[AlertItem, ...]
    digest_day: date | None = None
    total: int = 1
    test: bool = False

    @property
    def subject(self) -> str:
        if self.digest_day is not None:
            noun = "alert" if self.total == 1 else "alerts"
            return f"Daily digest: {self.total} {noun} on {self.digest_day.isoformat()}"
        return self.items[0].title


def absolute_link(link: str | None, public_url: str | None) -> str | None:
    if link is None or not link.startswith("/") or not public_url:
        return link
    return public_url.rstrip("/") + link


def _item(event: AlertEvent, public_url: str | None) -> AlertItem:
    return AlertItem(
        id=event.id,
        kind=event.kind,
        level=event.level,
        title=event.title,
        body=event.body,
        link=absolute_link(event.link, public_url),
        fired_at=event.fired_at,
        rule=event.rule_key,
        subject=event.subject_key,
        source=event.source,
        source_id=event.source_id,
        details=dict(event.details),
    )


def alert_message(event: AlertEvent, *, public_url: str | None) -> Message:
    return Message(workspace_id=event.workspace_id, items=(_item(event, public_url),))


def digest_message(
    workspace_id: int, day: date, events: Sequence[AlertEvent], *, public_url: str | None
) -> Message:
    """The day's alerts, oldest first, at most :data:`DIGEST_ITEMS` of them listed."""
    items = tuple(_item(event, public_url) for event in list(events)[:DIGEST_ITEMS])
    return Message(workspace_id=workspace_id, items=items, digest_day=day, total=len(events))
