"""JSON response bodies with exact decimals, and the guards every SP-API payload parser shares.

Amazon writes money as JSON numbers (``"CurrencyAmount": 12.1``). Python's default would make
that a float; parsing numbers as ``Decimal`` keeps the cents exact from the first byte.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from shelfscope.errors import ContractChanged, ParseError
from shelfscope.seller.values import parse_datetime

__all__ = [
    "JsonBody",
    "load_json",
    "optional_datetime",
    "optional_text",
    "require_mapping",
    "required_text",
]

JsonBody = bytes | str | Mapping[str, Any]


def load_json(body: JsonBody) -> Any:
    """The decoded body (numbers with a fraction as ``Decimal``); an already-decoded mapping as is."""
    if isinstance(body, Mapping):
        return body
    try:
        return json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"response body is not JSON: {exc}") from exc


def require_mapping(value: Any, *, what: str) -> Mapping[str, Any]:
    """``value`` if it is a JSON object; otherwise the API no longer matches its model."""
    if not isinstance(value, Mapping):
        raise ContractChanged(f"{what} is not a JSON object")
    return value


def optional_text(value: Mapping[str, Any], key: str) -> str | None:
    """A string field, ``None`` when absent or blank; a non-string is a contract change."""
    found = value.get(key)
    if found is None or (isinstance(found, str) and not found.strip()):
        return None
    if not isinstance(found, str):
        raise ContractChanged(f"field {key!r} is {type(found).__name__}, not a string")
    return found.strip()


def required_text(value: Mapping[str, Any], key: str, *, what: str) -> str:
    """A string field the model marks required: missing is a contract change."""
    found = optional_text(value, key)
    if found is None:
        raise ContractChanged(f"{what} has no {key!r}")
    return found


def optional_datetime(value: Mapping[str, Any], key: str, *, what: str) -> datetime | None:
    """An ISO 8601 field as an aware UTC datetime."""
    text = optional_text(value, key)
    if text is None:
        return None
    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise ParseError(f"{what}.{key}: {exc}") from exc
