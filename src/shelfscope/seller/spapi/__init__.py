"""SP-API and LWA response bodies other than report documents and finances, typed."""

from __future__ import annotations

from shelfscope.seller.spapi.api_errors import ApiError, ApiErrorKind, classify_api_error, parse_api_errors
from shelfscope.seller.spapi.lwa import LwaError, TokenGrant, parse_lwa_error, parse_token_response
from shelfscope.seller.spapi.reports_api import (
    ProcessingStatus,
    Report,
    ReportDocument,
    ReportsPage,
    parse_create_report,
    parse_report,
    parse_report_document_info,
    parse_reports_page,
)
from shelfscope.seller.spapi.sellers import (
    MarketplaceParticipation,
    parse_account,
    parse_marketplace_participations,
)

__all__ = [
    "ApiError",
    "ApiErrorKind",
    "LwaError",
    "MarketplaceParticipation",
    "ProcessingStatus",
    "Report",
    "ReportDocument",
    "ReportsPage",
    "TokenGrant",
    "classify_api_error",
    "parse_account",
    "parse_api_errors",
    "parse_create_report",
    "parse_lwa_error",
    "parse_marketplace_participations",
    "parse_report",
    "parse_report_document_info",
    "parse_reports_page",
    "parse_token_response",
]
