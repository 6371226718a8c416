"""The SP-API operations the sandbox serves, with their default usage plans.

Rates (requests per second) and bursts are the "Usage Plan" tables of the official models
(``shared/reference/spapi.md`` §1). Plans apply per application and selling partner, per region.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OPERATIONS", "Operation"]


@dataclass(frozen=True)
class Operation:
    name: str
    rate: float
    burst: int

    @property
    def rate_header(self) -> str:
        """The ``x-amzn-RateLimit-Limit`` value: the rate as Amazon writes it."""
        return f"{self.rate:g}"


OPERATIONS = {
    operation.name: operation
    for operation in (
        Operation("getMarketplaceParticipations", 0.016, 15),
        Operation("createReport", 0.0167, 15),
        Operation("getReports", 0.0222, 10),
        Operation("getReport", 2.0, 15),
        Operation("cancelReport", 0.0222, 10),
        Operation("getReportDocument", 0.0167, 15),
        Operation("listFinancialEventGroups", 0.5, 30),
        Operation("listFinancialEvents", 0.5, 30),
        Operation("listFinancialEventsByGroupId", 0.5, 30),
    )
}
