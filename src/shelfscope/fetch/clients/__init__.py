"""Fetch clients: the interface, the curl_cffi client and a fake for tests.

:class:`CurlClient` is imported from :mod:`shelfscope.fetch.clients.curl` directly, so that
importing the interface or the fake does not load curl_cffi.
"""

from __future__ import annotations

from shelfscope.fetch.clients.base import FetchClient, identity_headers
from shelfscope.fetch.clients.fake import FakeClient, Reply, Responder, SentRequest

__all__ = ["FakeClient", "FetchClient", "Reply", "Responder", "SentRequest", "identity_headers"]
