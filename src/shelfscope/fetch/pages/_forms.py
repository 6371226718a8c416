"""Form values of the fetch pages turned into service arguments, with messages a person can act on.

HTML forms send every value as text, and an empty field means "not given". Parsing lives here so
the page handlers stay a few lines each and a bad value is an :class:`InvalidInput` shown as a
flash, never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from shelfscope.errors import InvalidInput
from shelfscope.fetch.proxy_pool import Provider
from shelfscope.fetch.proxy_service import split_proxy_url

__all__ = ["PROVIDER_LABELS", "local_time", "optional_int", "price_per_gb", "proxy_fields"]

PROVIDER_LABELS = {
    Provider.BRIGHT_DATA.value: "Bright Data",
    Provider.SMARTPROXY.value: "Smartproxy / Decodo",
    Provider.OXYLABS.value: "Oxylabs",
    Provider.CUSTOM.value: "Custom URL",
}


def optional_int(value: str, *, field: str, low: int, high: int) -> int | None:
    """An integer in [low, high] from a form field; None when the field was left empty."""
    text = value.strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidInput(
            f"{field.replace('_', ' ')} must be a whole number from {low} to {high}", field=field
        )
    return int(text)


def price_per_gb(value: str) -> Decimal:
    """A USD-per-GB price from a form field; empty is 0 (no price set)."""
    text = value.strip() or "0"
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise InvalidInput("cost per GB must be a number such as 8.40", field="cost_per_gb") from None
    if not price.is_finite() or price < 0 or price > Decimal(100_000):
        raise InvalidInput("cost per GB must be between 0 and 100000", field="cost_per_gb")
    return price.quantize(Decimal("0.0001"))


def proxy_fields(form: dict[str, str]) -> dict[str, Any]:
    """Keyword arguments of :func:`create_proxy` from the add-proxy form.

    A custom proxy may be given as one URL (``socks5://user:pass@host:1080``); a provider proxy
    needs only its account username and password (the gateway host and port are the provider's).
    """
    provider = form.get("provider", "custom") or "custom"
    if provider not in PROVIDER_LABELS:
        raise InvalidInput(f"unknown provider {provider!r}", field="provider")
    fields: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "provider": provider,
        "host": form.get("host", "").strip() or None,
        "port": optional_int(form.get("port", ""), field="port", low=1, high=65535),
        "scheme": form.get("scheme", "http") or "http",
        "username": form.get("username", "").strip() or None,
        "password": form.get("password", "") or None,
        "country": form.get("country", "").strip().upper() or None,
        "sticky": form.get("sticky") == "on",
        "max_concurrency": optional_int(
            form.get("max_concurrency", ""), field="max_concurrency", low=1, high=1000
        )
        or 4,
        "cost_per_gb": price_per_gb(form.get("cost_per_gb", "")),
    }
    if not fields["name"]:
        raise InvalidInput("give the proxy a name", field="name")
    url = form.get("url", "").strip()
    if url:
        if provider != Provider.CUSTOM.value:
            raise InvalidInput("a proxy URL is for custom proxies; providers take a username", field="url")
        given = split_proxy_url(url)
        fields.update({key: value for key, value in given.items() if value is not None})
    return fields


def local_time(value: str, *, zone: str, field: str) -> datetime | None:
    """A ``datetime-local`` form value read in the workspace's time zone, as UTC (None if empty)."""
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field} is not a date and time such as 2026-01-31T14:00", field=field) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)
