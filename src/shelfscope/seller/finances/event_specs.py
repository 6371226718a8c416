"""One line per Finances v0 event list: what the generic flattener needs to know about it.

The flattener (:mod:`shelfscope.seller.finances.flatten`) books every money object it finds in an
event. What differs between the 34 event lists of ``FinancialEvents`` (financesV0.json) is only:

- ``reason_field``: the field naming the event's subtype (``AdjustmentType``, ``FeeReason``);
- ``totals``: event-level sums of money booked elsewhere in the same event (``TotalAmount`` =
  fee + charge). They are booked only when the event has no other money, as an adjustment
  without items has only its ``AdjustmentAmount``;
- ``informational``: amounts that never move money (a per-unit value, the base a tax was
  withheld on, a rental's initial value) or that restate the event's own sum item by item;
- ``category``: the settlement amount-type for money that is not a component of a typed list;
- ``describe_by_reason``: name such money by the event's subtype rather than by its field. Only
  adjustments: their one sum is described by ``AdjustmentType`` (``REVERSAL_REIMBURSEMENT``).

Descriptions come from the model. A list Amazon adds later is flattened with the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_CATEGORY", "EVENT_LISTS", "EventListSpec", "spec_for_list"]

DEFAULT_CATEGORY = "other-transaction"


@dataclass(frozen=True)
class EventListSpec:
    list_name: str
    kind: str
    reason_field: str | None = None
    totals: tuple[str, ...] = ()
    informational: tuple[str, ...] = ()
    category: str = DEFAULT_CATEGORY
    describe_by_reason: bool = False


def _shipment_like(list_name: str, kind: str) -> EventListSpec:
    # ShipmentEvent shape: money sits in typed component lists; the category comes from the list.
    return EventListSpec(list_name, kind, category="Order")


EVENT_LISTS = {
    spec.list_name: spec
    for spec in (
        _shipment_like("ShipmentEventList", "Shipment"),
        _shipment_like("ShipmentSettleEventList", "ShipmentSettle"),
        _shipment_like("RefundEventList", "Refund"),
        _shipment_like("GuaranteeClaimEventList", "GuaranteeClaim"),
        _shipment_like("ChargebackEventList", "Chargeback"),
        EventListSpec("EBTRefundReimbursementOnlyEventList", "EBTRefundReimbursementOnly"),
        EventListSpec("PayWithAmazonEventList", "PayWithAmazon", reason_field="BusinessObjectType"),
        EventListSpec(
            "ServiceProviderCreditEventList", "ServiceProviderCredit", reason_field="ProviderTransactionType"
        ),
        EventListSpec("RetrochargeEventList", "Retrocharge", reason_field="RetrochargeEventType"),
        EventListSpec(
            "RentalTransactionEventList",
            "RentalTransaction",
            reason_field="RentalEventType",
            informational=("RentalInitialValue",),
        ),
        EventListSpec(
            "ProductAdsPaymentEventList",
            "ProductAdsPayment",
            reason_field="transactionType",
            totals=("transactionValue",),
        ),
        EventListSpec("ServiceFeeEventList", "ServiceFee", reason_field="FeeReason"),
        EventListSpec(
            "SellerDealPaymentEventList", "SellerDealPayment", reason_field="feeType", totals=("totalAmount",)
        ),
        EventListSpec(
            "DebtRecoveryEventList",
            "DebtRecovery",
            reason_field="DebtRecoveryType",
            # Items and charge instruments break the event's RecoveryAmount down; book it once.
            informational=("DebtRecoveryItemList", "ChargeInstrumentList"),
        ),
        EventListSpec("LoanServicingEventList", "LoanServicing", reason_field="SourceBusinessEventType"),
        EventListSpec(
            "AdjustmentEventList",
            "Adjustment",
            reason_field="AdjustmentType",
            totals=("AdjustmentAmount",),
            informational=("PerUnitAmount",),
            describe_by_reason=True,
        ),
        EventListSpec(
            "SAFETReimbursementEventList",
            "SAFETReimbursement",
            reason_field="ReasonCode",
            totals=("ReimbursedAmount",),
        ),
        EventListSpec(
            "SellerReviewEnrollmentPaymentEventList", "SellerReviewEnrollmentPayment", totals=("TotalAmount",)
        ),
        EventListSpec("FBALiquidationEventList", "FBALiquidation"),
        EventListSpec("CouponPaymentEventList", "CouponPayment", totals=("TotalAmount",)),
        EventListSpec("ImagingServicesFeeEventList", "ImagingServicesFee"),
        EventListSpec(
            "NetworkComminglingTransactionEventList",
            "NetworkComminglingTransaction",
            reason_field="SwapReason",
        ),
        EventListSpec(
            "AffordabilityExpenseEventList",
            "AffordabilityExpense",
            reason_field="TransactionType",
            totals=("TotalExpense",),
        ),
        EventListSpec(
            "AffordabilityExpenseReversalEventList",
            "AffordabilityExpenseReversal",
            reason_field="TransactionType",
            totals=("TotalExpense",),
        ),
        EventListSpec("RemovalShipmentEventList", "RemovalShipment", reason_field="TransactionType"),
        EventListSpec(
            "RemovalShipmentAdjustmentEventList", "RemovalShipmentAdjustment", reason_field="TransactionType"
        ),
        EventListSpec("TrialShipmentEventList", "TrialShipment"),
        EventListSpec("TDSReimbursementEventList", "TDSReimbursement"),
        EventListSpec("AdhocDisbursementEventList", "AdhocDisbursement", reason_field="TransactionType"),
        EventListSpec("TaxWithholdingEventList", "TaxWithholding", informational=("BaseAmount",)),
        EventListSpec("ChargeRefundEventList", "ChargeRefund", reason_field="ReasonCode"),
        EventListSpec(
            "FailedAdhocDisbursementEventList", "FailedAdhocDisbursement", reason_field="FundsTransfersType"
        ),
        EventListSpec(
            "ValueAddedServiceChargeEventList", "ValueAddedServiceCharge", reason_field="TransactionType"
        ),
        EventListSpec(
            "CapacityReservationBillingEventList",
            "CapacityReservationBilling",
            reason_field="TransactionType",
        ),
    )
}


def spec_for_list(list_name: str) -> EventListSpec:
    """The spec of an event list; an unknown (newer) list gets the defaults."""
    found = EVENT_LISTS.get(list_name)
    if found is not None:
        return found
    return EventListSpec(list_name, list_name.removesuffix("EventList") or list_name)
