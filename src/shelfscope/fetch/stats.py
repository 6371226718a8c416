"""In-memory fetch counters with path-like keys, fed only by fetch events.

Like Scrapy's CoreStats, this is an observer: it subscribes to :class:`FetchSignals` and nothing
calls it directly. Keys read like paths so related figures group and sort together:

==========================================  ==================================================
``fetch/requests``                          fetch calls finished
``fetch/outcome/succeeded`` / ``failed``    what callers got (a block is always ``failed``)
``fetch/attempts``                          HTTP exchanges, retries included
``fetch/retries``                           attempts after the first
``fetch/attempts_per_request/<n>``          the retry histogram
``fetch/status/<code>``                     attempts answered with that status
``fetch/error/<code>``                      attempts failed with that error code
``fetch/blocked``                           attempts that hit a block page
``fetch/blocked/<site>/<kind>``             …by site and block kind (``amazon/captcha``)
``fetch/action/<action>``                   what the retry policy did after each attempt
``fetch/bytes_in`` / ``fetch/bytes_out``    wire bytes, all attempts
``fetch/proxy/<id>/bytes_in`` / ``…_out``   the same per proxy (``direct`` without one)
``fetch/latency_seconds/sum`` / ``count``   network time of successful attempts
==========================================  ==================================================
"""

from __future__ import annotations

from shelfscope.fetch.proxies import DIRECT
from shelfscope.fetch.signals import AttemptFinished, FetchEvent, RequestFinished

__all__ = ["FetchStats"]


class FetchStats:
    def __init__(self) -> None:
        self._values: dict[str, float] = {}

    def get(self, key: str) -> float:
        return self._values.get(key, 0)

    def snapshot(self) -> dict[str, float]:
        """All counters, sorted by key."""
        return dict(sorted(self._values.items()))

    def observe(self, event: FetchEvent) -> None:
        if isinstance(event, AttemptFinished):
            self._attempt(event)
        elif isinstance(event, RequestFinished):
            self._request(event)

    def _add(self, key: str, amount: float = 1) -> None:
        self._values[key] = self._values.get(key, 0) + amount

    def _attempt(self, event: AttemptFinished) -> None:
        record = event.record
        self._add("fetch/attempts")
        if record.number > 1:
            self._add("fetch/retries")
        if record.status is not None:
            self._add(f"fetch/status/{record.status}")
        if record.error is not None:
            self._add(f"fetch/error/{record.error}")
        else:
            self._add("fetch/latency_seconds/sum", record.elapsed)
            self._add("fetch/latency_seconds/count")
        if record.block_kind is not None:
            self._add("fetch/blocked")
            self._add(f"fetch/blocked/{event.request.site}/{record.block_kind}")
        self._add(f"fetch/action/{record.action}")
        proxy = record.proxy_id or DIRECT
        for direction, amount in (("in", record.bytes_in), ("out", record.bytes_out)):
            self._add(f"fetch/bytes_{direction}", amount)
            self._add(f"fetch/proxy/{proxy}/bytes_{direction}", amount)

    def _request(self, event: RequestFinished) -> None:
        record = event.record
        self._add("fetch/requests")
        self._add(f"fetch/outcome/{record.outcome}")
        self._add(f"fetch/attempts_per_request/{record.attempts}")
