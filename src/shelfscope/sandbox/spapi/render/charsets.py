"""Which character set a document is written in, and how its download declares it.

Japanese documents are Shift_JIS (Windows-31J, Python's cp932); Amazon's Java download service
names it ``Windows-31J``. Several European FBA reports arrive as Windows-1252, declared as
``Cp1252`` (selling-partner-api-models#2748, #4955; selling-partner-api#809). Everything else is
UTF-8. Text that the charset cannot hold is a bug in the catalogue, never replaced by ``?``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Charset", "charset_for"]

_CP1252_IN_EUROPE = frozenset(
    {
        "GET_LEDGER_DETAIL_VIEW_DATA",
        "GET_FBA_REIMBURSEMENTS_DATA",
        "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
    }
)


@dataclass(frozen=True)
class Charset:
    codec: str
    """Python codec name used to encode."""
    label: str
    """Name in the download's ``Content-Type``."""

    @property
    def content_type(self) -> str:
        return f"text/plain; charset={self.label}"


UTF8 = Charset("utf-8", "UTF-8")
CP1252 = Charset("cp1252", "Cp1252")
CP932 = Charset("cp932", "Windows-31J")


def charset_for(report_type: str, *, region: str) -> Charset:
    if region == "FE":
        return CP932
    if region == "EU" and report_type in _CP1252_IN_EUROPE:
        return CP1252
    return UTF8
