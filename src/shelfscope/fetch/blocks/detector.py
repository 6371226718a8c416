"""Classify a response: a real page, or which kind of block.

The detector holds one rule table per :class:`Site`, preceded by the vendor rules (AWS WAF,
Akamai, Cloudflare): a vendor wall replaces the whole page and its markers are unambiguous,
while a site table ends with catch-alls such as Amazon's wrong page type, which any non-Amazon
page would also match. The first matching rule wins.

The fetch engine (platform code) owns these rules. Feature parsers may keep their own page
classifiers, but a page the detector calls blocked never reaches them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from shelfscope.fetch.blocks.amazon import AMAZON_RULES
from shelfscope.fetch.blocks.rules import BlockRule, Page
from shelfscope.fetch.blocks.shopee import SHOPEE_RULES
from shelfscope.fetch.blocks.tiktok import TIKTOK_RULES
from shelfscope.fetch.blocks.vendors import VENDOR_RULES
from shelfscope.fetch.models import Request, Response, Site

__all__ = ["DEFAULT_RULES", "BlockDetector"]

#: Site-specific rules; :data:`VENDOR_RULES` are checked before each of them.
DEFAULT_RULES: Mapping[Site, tuple[BlockRule, ...]] = {
    Site.AMAZON: AMAZON_RULES,
    Site.SHOPEE: SHOPEE_RULES,
    Site.TIKTOK: TIKTOK_RULES,
    Site.GENERIC: (),
}


class BlockDetector:
    def __init__(
        self,
        rules: Mapping[Site, Sequence[BlockRule]] = DEFAULT_RULES,
        *,
        vendor_rules: Sequence[BlockRule] = VENDOR_RULES,
    ) -> None:
        self._tables = {site: (*vendor_rules, *rules.get(site, ())) for site in Site}

    def rules_for(self, site: Site) -> tuple[BlockRule, ...]:
        return self._tables[site]

    def classify_page(self, page: Page) -> BlockRule | None:
        """The first rule of the request's site that ``page`` matches, or None for a real page."""
        return next((rule for rule in self._tables[page.request.site] if rule.when(page)), None)

    def classify(self, request: Request, response: Response, *, now: datetime) -> BlockRule | None:
        page = Page(
            request=request, status=response.status, headers=response.headers, body=response.body, now=now
        )
        return self.classify_page(page)
