"""API models of the seller feature. A connection's refresh token is never part of any of them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ConnectionOut",
    "ConnectionTest",
    "ConsentRequest",
    "ConsentUrl",
    "KindStatusOut",
    "LedgerEntryOut",
]


class ConnectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    region: str
    selling_partner_id: str
    marketplace_ids: list[str]
    status: str
    last_error: str | None
    connected_at: datetime


class ConsentRequest(BaseModel):
    region: Literal["NA", "EU", "FE"] = Field(description="The Seller Central region to authorize.")


class ConsentUrl(BaseModel):
    url: str = Field(description="Open this in the browser; Amazon redirects back to the callback.")


class ConnectionTest(BaseModel):
    ok: bool
    marketplace_ids: list[str]


class KindStatusOut(BaseModel):
    connection_id: int
    kind: str
    windows_total: int
    windows_done: int
    rows: int
    last_success: datetime | None
    last_error: str | None
    by_status: dict[str, int]


class LedgerEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    connection_id: int
    source: str
    report_type: str
    marketplace_id: str | None
    event_time: datetime
    sku: str | None
    asin: str | None
    fnsku: str | None
    order_id: str | None
    quantity: int | None
    amount: Decimal | None
    currency: str | None
    entry_type: str | None
    amount_type: str | None
    reference_id: str | None
    raw: dict[str, Any]
