"""Alerts: in-app notifications, delivery channels (webhook in JSON or Slack shape, email), the
alert record with its cooldown, deliveries as background runs with retries, and a daily digest.

Features decide what is worth an alert (their own rules) and hand it to :func:`fire_alert` as an
:class:`Alert`; everything after that is shared: the cooldown per (rule, subject), the
notification with its live toast, and one ``alerts.deliver`` run per channel. Modules:
:mod:`.channels` (channel use cases), :mod:`.firing`, :mod:`.delivery`, :mod:`.digest`,
:mod:`.history` (alert history, "send test"), :mod:`.webhook`, :mod:`.mail`, :mod:`.urlguard`
(no webhooks to internal addresses), :mod:`.notifications` (the notification centre).
"""

from __future__ import annotations

from shelfscope.alerts.firing import Alert, fire_alert
from shelfscope.alerts.notifications import (
    list_notifications,
    mark_all_read,
    mark_read,
    notify,
    unread_count,
)

__all__ = [
    "Alert",
    "fire_alert",
    "list_notifications",
    "mark_all_read",
    "mark_read",
    "notify",
    "unread_count",
]
