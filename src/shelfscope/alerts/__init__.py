"""Alerts: in-app notifications (rules, webhooks and email come later)."""

from __future__ import annotations

from shelfscope.alerts.notifications import (
    list_notifications,
    mark_all_read,
    mark_read,
    notify,
    unread_count,
)

__all__ = ["list_notifications", "mark_all_read", "mark_read", "notify", "unread_count"]
