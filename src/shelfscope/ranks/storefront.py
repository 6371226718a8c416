"""Where Amazon's search pages are: real storefronts, a configured mirror, or the sandbox.

``ranks.amazon_base_url`` is a template with ``{domain}`` (``amazon.de``) and ``{code}``
(``de``). Unset, the tracker goes to ``https://www.{domain}``, unless the sandbox runs
(``sandbox.url`` is set by ``serve --sandbox``/``--demo`` and by tests): then the sandbox's
Amazon simulator serves each storefront, found by its real host name in the sandbox registry.
"""

from __future__ import annotations

from urllib.parse import urlencode

from shelfscope.errors import ConfigError
from shelfscope.marketplaces import AmazonMarketplace
from shelfscope.settings import Settings

__all__ = ["REAL_STOREFRONT", "search_url", "storefront_base_url"]

REAL_STOREFRONT = "https://www.{domain}"


def _sandbox_storefront(sandbox_url: str, market: AmazonMarketplace) -> str:
    from shelfscope.sandbox import load_simulators

    registry = load_simulators()
    path = registry.host_routes().get(f"www.{market.domain}")
    if path is None:
        raise ConfigError(f"the sandbox at {sandbox_url} serves no storefront for www.{market.domain}")
    return sandbox_url.rstrip("/") + path


def storefront_base_url(settings: Settings, market: AmazonMarketplace) -> str:
    """The base URL search pages of ``market`` are fetched from, without a trailing slash."""
    template = settings.ranks.amazon_base_url
    if template is None and settings.sandbox.url:
        return _sandbox_storefront(settings.sandbox.url, market)
    template = template or REAL_STOREFRONT
    try:
        url = template.format(domain=market.domain, code=market.code.lower())
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"ranks.amazon_base_url {template!r} may only use {{domain}} and {{code}}: {exc}"
        ) from exc
    return url.rstrip("/")


def search_url(base_url: str, *, query: str, page: int) -> str:
    """The search results URL of ``query``'s page ``page`` (page 1 has no page parameter)."""
    params: dict[str, str | int] = {"k": query}
    if page > 1:
        params["page"] = page
    return f"{base_url}/s?{urlencode(params)}"
