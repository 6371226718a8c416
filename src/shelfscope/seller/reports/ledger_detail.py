"""Inventory ledger, detailed view: every unit movement to and from Amazon's warehouses.

Eighteen months of history are available. Amazon's attribute page spells the columns without
spaces (``EventType``); real downloads and Airbyte's schema use spaces (``Event Type``) and add
``Date and Time``. ``Date`` is ``MM/DD/YYYY`` in every marketplace. The report is requested once
per region; ``Country`` says where each movement happened.

No row id: the hash covers the movement itself and leaves out ``Title`` (renamed products) and
the reconciled/unreconciled split, which Amazon updates while it investigates a loss.
"""

from __future__ import annotations

from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.reports.spec import REGION_WIDE, FlatFileSpec, LedgerFields, RowHash

SPEC = FlatFileSpec(
    report_type="GET_LEDGER_DETAIL_VIEW_DATA",
    source=SourceKind.INVENTORY_LEDGER,
    required=("Date", "FNSKU", "EventType", "Quantity"),
    optional=("Title", "FulfillmentCenter", "Store"),
    dates=("Date", "Date and Time"),
    integers=("Quantity", "ReconciledQuantity", "UnreconciledQuantity"),
    fields=LedgerFields(
        event_time=("Date and Time", "Date"),
        sku="MSKU",
        asin="ASIN",
        fnsku="FNSKU",
        quantity="Quantity",
        entry_type="EventType",
        reason="Reason",
        disposition="Disposition",
        reference_id="ReferenceID",
    ),
    key=RowHash(
        (
            "Date",
            "FNSKU",
            "MSKU",
            "ASIN",
            "EventType",
            "ReferenceID",
            "Quantity",
            "FulfillmentCenter",
            "Disposition",
            "Reason",
            "Country",
        )
    ),
    marketplace=REGION_WIDE.with_country("Country"),
)
