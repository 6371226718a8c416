"""SP-API calls for one connection: rate limits, 429 backoff, token refresh and one error table.

Every response error is classified once by :func:`classify_api_error` and mapped to an action in
:data:`_ACTIONS`; third-party exceptions become the shelfscope tree here and nowhere else.
The Reports operations (create → poll → document) and Finances paging sit on :meth:`call`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from shelfscope.errors import (
    AuthorizationRevoked,
    ContractChanged,
    InvalidInput,
    NotFound,
    RateLimited,
    ShelfscopeError,
    TransientError,
    UpstreamUnavailable,
)
from shelfscope.fetch import ApiHttp, ApiResponse
from shelfscope.seller.ratelimit import RateLimiter
from shelfscope.seller.spapi import (
    ApiErrorKind,
    Report,
    ReportDocument,
    ReportsPage,
    classify_api_error,
    parse_api_errors,
    parse_create_report,
    parse_report,
    parse_report_document_info,
    parse_reports_page,
)

__all__ = ["NextTokenExpired", "RetryPolicy", "SpapiClient", "UnrequestableReport", "iso"]


class NextTokenExpired(TransientError):
    """A Finances NextToken outlived its few minutes: restart the window from page one."""

    code = "next_token_expired"


class UnrequestableReport(InvalidInput):
    """Amazon generates this report type itself (settlements): list it, never create it."""


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    throttle_retries: int = 8
    base_seconds: float = 2.0
    max_seconds: float = 300.0
    server_retries: int = 3


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


TokenSource = Callable[[bool], str]
"""Returns the connection's access token; ``True`` forces a refresh (after an "expired")."""


class SpapiClient:
    """One connection's view of SP-API in its region."""

    def __init__(
        self,
        *,
        connection_id: int,
        base_url: str,
        access_token: TokenSource,
        http: ApiHttp,
        limiter: RateLimiter,
        sleep: Callable[[float], None],
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
        max_wait: float | None = None,
    ) -> None:
        """``max_wait``: the longest wait for our own rate-limit bucket that is slept through;
        past it the call raises :class:`RateLimited` (``retry_after`` set) without going out."""
        self._connection_id = connection_id
        self._base_url = base_url.rstrip("/")
        self._access_token = access_token
        self._http = http
        self._limiter = limiter
        self._sleep = sleep
        self._policy = policy or RetryPolicy()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._max_wait = max_wait

    # The core --------------------------------------------------------------------------------

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> ApiResponse:
        """One operation, retried on 429 (exponential backoff, full jitter) and once on an expired token."""
        refreshed = False
        throttled = server_errors = 0
        while True:
            self._wait(self._limiter.reserve(self._connection_id, operation, max_wait=self._max_wait))
            response = self._send(method, path, params=params, json=json, token=self._access_token(refreshed))
            if response.status_code < 300:
                self._limiter.observed_rate(
                    self._connection_id, operation, response.headers.get("x-amzn-RateLimit-Limit")
                )
                return response
            kind = _classify(response)
            if kind is ApiErrorKind.QUOTA_EXCEEDED and throttled < self._policy.throttle_retries:
                self._limiter.throttled(self._connection_id, operation)
                self._wait(self._backoff(throttled))
                throttled += 1
                continue
            if kind is ApiErrorKind.SERVER_ERROR and server_errors < self._policy.server_retries:
                self._wait(self._backoff(server_errors))
                server_errors += 1
                continue
            if kind in (ApiErrorKind.ACCESS_TOKEN_EXPIRED, ApiErrorKind.UNAUTHORIZED) and not refreshed:
                refreshed = True
                continue
            raise _failure(kind, operation, response)

    def _send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None, json: Any, token: str
    ) -> ApiResponse:
        headers = {"x-amz-access-token": token, "accept": "application/json"}
        return self._http.request(
            method,
            self._base_url + path,
            params=params,
            json=json,
            headers=headers,
            timeout_message=f"SP-API {path} did not answer in time",
            unreachable_message="SP-API is unreachable",
        )

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self._policy.max_seconds, self._policy.base_seconds * 2**attempt)
        return self._policy.base_seconds / 2 + self._rng.uniform(0, ceiling)

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._sleep(seconds)

    # Reports ---------------------------------------------------------------------------------

    def create_report(
        self, *, report_type: str, marketplace_ids: list[str], start: datetime | None, end: datetime | None
    ) -> str:
        body: dict[str, Any] = {"reportType": report_type, "marketplaceIds": marketplace_ids}
        if start is not None:
            body["dataStartTime"] = iso(start)
        if end is not None:
            body["dataEndTime"] = iso(end)
        response = self.call("createReport", "POST", "/reports/2021-06-30/reports", json=body)
        return parse_create_report(response.content)

    def get_report(self, report_id: str) -> Report:
        response = self.call("getReport", "GET", f"/reports/2021-06-30/reports/{report_id}")
        return parse_report(response.content)

    def list_reports(self, params: Mapping[str, Any]) -> Iterator[Report]:
        """getReports, every page. A ``nextToken`` must be sent as the only parameter."""
        page: ReportsPage = parse_reports_page(
            self.call("getReports", "GET", "/reports/2021-06-30/reports", params=params).content
        )
        yield from page.reports
        while page.next_token:
            response = self.call(
                "getReports", "GET", "/reports/2021-06-30/reports", params={"nextToken": page.next_token}
            )
            page = parse_reports_page(response.content)
            yield from page.reports

    def get_report_document(self, document_id: str) -> ReportDocument:
        response = self.call("getReportDocument", "GET", f"/reports/2021-06-30/documents/{document_id}")
        return parse_report_document_info(response.content)

    @contextmanager
    def open_document(self, document: ReportDocument) -> Iterator[tuple[Iterator[bytes], str | None]]:
        """The document's raw chunks and Content-Type, streamed from the presigned URL.

        No auth headers: the URL is presigned, and S3 rejects a request that also carries ours.
        """
        with self._http.stream(
            "GET",
            document.url,
            headers={},
            timeout_message="report document download timed out",
            unreachable_message="report document download failed",
        ) as response:
            if response.status_code != 200:
                raise UpstreamUnavailable(f"report document download answered HTTP {response.status_code}")
            yield response.iter_bytes(), response.headers.get("content-type")

    # Finances --------------------------------------------------------------------------------

    def list_financial_events(self, params: Mapping[str, Any]) -> bytes:
        return self.call("listFinancialEvents", "GET", "/finances/v0/financialEvents", params=params).content

    def list_financial_event_groups(self, params: Mapping[str, Any]) -> bytes:
        return self.call(
            "listFinancialEventGroups", "GET", "/finances/v0/financialEventGroups", params=params
        ).content

    def list_financial_events_by_group(self, group_id: str, params: Mapping[str, Any]) -> bytes:
        path = f"/finances/v0/financialEventGroups/{quote(group_id, safe='')}/financialEvents"
        return self.call("listFinancialEventsByGroupId", "GET", path, params=params).content

    def marketplace_participations(self) -> bytes:
        return self.call(
            "getMarketplaceParticipations", "GET", "/sellers/v1/marketplaceParticipations"
        ).content


def _classify(response: ApiResponse) -> ApiErrorKind:
    try:
        errors = parse_api_errors(response.content)
    except (ContractChanged, ValueError):
        errors = ()
    return classify_api_error(response.status_code, errors)


def _message(response: ApiResponse) -> str:
    try:
        errors = parse_api_errors(response.content)
    except (ContractChanged, ValueError):
        return f"HTTP {response.status_code}"
    return "; ".join(f"{e.code}: {e.message} {e.details or ''}".strip() for e in errors)


# What each kind of error means for the caller once retries (429, 5xx, one refresh) are spent.
_ACTIONS: dict[ApiErrorKind, type[ShelfscopeError]] = {
    ApiErrorKind.QUOTA_EXCEEDED: RateLimited,
    ApiErrorKind.ACCESS_TOKEN_EXPIRED: AuthorizationRevoked,
    ApiErrorKind.UNAUTHORIZED: AuthorizationRevoked,
    ApiErrorKind.NEXT_TOKEN_EXPIRED: NextTokenExpired,
    ApiErrorKind.REPORT_TYPE_NOT_REQUESTABLE: UnrequestableReport,
    ApiErrorKind.INVALID_INPUT: InvalidInput,
    ApiErrorKind.NOT_FOUND: NotFound,
    ApiErrorKind.SERVER_ERROR: UpstreamUnavailable,
    ApiErrorKind.OTHER: UpstreamUnavailable,
}


def _failure(kind: ApiErrorKind, operation: str, response: ApiResponse) -> ShelfscopeError:
    return _ACTIONS[kind](f"SP-API {operation}: {_message(response)}")
