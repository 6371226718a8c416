"""Reimbursement cases: rules over the seller ledger that find money Amazon owes.

Four rules (:mod:`.rules`), each a small module: units lost or damaged in the warehouse and not
reimbursed within 30 days, refunds whose unit did not come back within 45 days, reimbursements
later reversed, and fulfilment fees above the item's size tier. Each case carries its evidence
(ledger entries), amount at stake (``Decimal`` + currency) and claim deadline
(:mod:`.policy` documents the Amazon windows assumed), and a status the seller moves through
open → filed → paid, or dismissed.

Public surface: detection (:func:`detect_cases`, :func:`detect_after_sync`) and the use cases
the API, CLI and dashboard call (:func:`list_cases`, :func:`get_case`, :func:`set_case_status`,
:func:`case_totals`).
"""

from __future__ import annotations

from shelfscope.seller.cases.detection import DetectionResult, detect_cases
from shelfscope.seller.cases.hooks import CASES_ENTITY, detect_after_sync
from shelfscope.seller.cases.models import CaseEvidence, ReimbursementCase
from shelfscope.seller.cases.policy import CaseKind, CasePolicy, CaseStatus, policy_for
from shelfscope.seller.cases.service import (
    CaseDetail,
    CaseTotal,
    EvidenceItem,
    case_totals,
    cases_query,
    get_case,
    list_cases,
    set_case_status,
)

__all__ = [
    "CASES_ENTITY",
    "CaseDetail",
    "CaseEvidence",
    "CaseKind",
    "CasePolicy",
    "CaseStatus",
    "CaseTotal",
    "DetectionResult",
    "EvidenceItem",
    "ReimbursementCase",
    "case_totals",
    "cases_query",
    "detect_after_sync",
    "detect_cases",
    "get_case",
    "list_cases",
    "policy_for",
    "set_case_status",
]
