"""An amount with its currency, read from either spelling the Finances APIs use.

Finances v0 writes ``{"CurrencyCode": "USD", "CurrencyAmount": 12.1}``; Finances 2024-06-19
writes ``{"currencyCode": …, "currencyAmount": …}``. Both become :class:`Money`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shelfscope.errors import ParseError
from shelfscope.seller.values import parse_decimal

__all__ = ["Money", "is_money", "money_from_json"]

_AMOUNT_KEYS = ("CurrencyAmount", "currencyAmount")
_CODE_KEYS = ("CurrencyCode", "currencyCode")


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str


def is_money(value: Any) -> bool:
    """Whether ``value`` is a Currency object of either API version."""
    return isinstance(value, Mapping) and any(key in value for key in _AMOUNT_KEYS)


def money_from_json(value: Mapping[str, Any], *, where: str) -> Money | None:
    """The Money in a Currency object; ``None`` when it holds no amount. ``where`` names it in errors."""
    raw_amount = next((value[key] for key in _AMOUNT_KEYS if value.get(key) is not None), None)
    if raw_amount is None:
        return None
    currency = next((value[key] for key in _CODE_KEYS if value.get(key)), None)
    if not isinstance(currency, str):
        raise ParseError(f"{where}: amount {raw_amount} has no currency code")
    return Money(_decimal(raw_amount, where=where), currency.upper())


def _decimal(raw: Any, *, where: str) -> Decimal:
    if isinstance(raw, bool):
        raise ParseError(f"{where}: amount {raw!r} is not a number")
    if isinstance(raw, Decimal | int):
        return Decimal(raw)
    if isinstance(raw, float):
        # Only reached when a caller decoded the body itself: repr is the shortest exact spelling.
        return Decimal(repr(raw))
    if isinstance(raw, str):
        try:
            return parse_decimal(raw)
        except ValueError as exc:
            raise ParseError(f"{where}: {exc}") from exc
    raise ParseError(f"{where}: amount {raw!r} is not a number")
