"""Inventory ledger, summary view: balances per FNSKU, disposition and location per period.

A balance, not a movement: ``quantity`` is the ending warehouse balance and the other columns
stay typed in ``values``. ``Date`` is ``MM/YYYY`` for the default monthly aggregation and
``MM/DD/YYYY`` for daily or weekly. Daily summaries for old dates may repeat an adjacent day
(selling-partner-api-models#4355): the natural key makes the repeat an upsert, not a new row.
"""

from __future__ import annotations

from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.reports.spec import REGION_WIDE, FlatFileSpec, LedgerFields, NaturalKey

_BALANCES = (
    "StartingWarehouseBalance",
    "InTransitBetweenWarehouses",
    "Receipts",
    "CustomerShipments",
    "CustomerReturns",
    "VendorReturns",
    "WarehouseTransferIn/Out",
    "Found",
    "Lost",
    "Damaged",
    "Disposed",
    "OtherEvents",
    "EndingWarehouseBalance",
    "UnknownEvents",
)

SPEC = FlatFileSpec(
    report_type="GET_LEDGER_SUMMARY_VIEW_DATA",
    source=SourceKind.INVENTORY_SUMMARY,
    required=("Date", "FNSKU", "Disposition", "EndingWarehouseBalance"),
    optional=("Title",),
    dates=("Date",),
    integers=_BALANCES,
    fields=LedgerFields(
        event_time=("Date",),
        sku="MSKU",
        asin="ASIN",
        fnsku="FNSKU",
        quantity="EndingWarehouseBalance",
        disposition="Disposition",
        reference_id="Location",
    ),
    key=NaturalKey(("Date", "FNSKU", "MSKU", "Disposition", "Location")),
    marketplace=REGION_WIDE.with_country("Location"),
)
