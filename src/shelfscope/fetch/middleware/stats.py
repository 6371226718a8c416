"""Stats/usage middleware: one :class:`RequestFinished` event per fetch, whatever happened.

Outermost in the chain, it sees the outcome the caller sees, after retries. It builds the
request-log record from the exchange's attempts (bytes of every attempt, the block flag if any
attempt was blocked, the final status and error) and publishes it. Counting is done by the
observers subscribed to the signals, never here.
"""

from __future__ import annotations

from shelfscope.clock import Clock
from shelfscope.errors import ShelfscopeError
from shelfscope.fetch.chain import Handler
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.models import Response
from shelfscope.fetch.signals import FetchSignals, Outcome, RequestFinished, RequestRecord

__all__ = ["StatsMiddleware", "request_record"]


def _code(error: BaseException) -> str:
    return error.code if isinstance(error, ShelfscopeError) else "internal_error"


def request_record(exchange: Exchange, *, error: BaseException | None, clock: Clock) -> RequestRecord:
    """The request-log row of a finished exchange (``error``: what the caller got, if anything)."""
    request, attempts = exchange.request, exchange.attempts
    last = attempts[-1] if attempts else None
    block_kinds = [attempt.block_kind for attempt in attempts if attempt.block_kind is not None]
    return RequestRecord(
        at=exchange.started_at,
        run_id=request.run_id,
        site=str(request.site),
        marketplace=request.marketplace,
        method=request.method,
        host=request.host,
        path=request.path,
        status=last.status if last is not None else None,
        latency=last.elapsed if last is not None else 0.0,
        duration=(clock.now() - exchange.started_at).total_seconds(),
        bytes_in=sum(attempt.bytes_in for attempt in attempts),
        bytes_out=sum(attempt.bytes_out for attempt in attempts),
        attempts=len(attempts),
        identity_id=last.identity_id if last is not None else None,
        session_id=last.session_id if last is not None else None,
        proxy_id=last.proxy_id if last is not None else None,
        blocked=bool(block_kinds),
        block_kind=block_kinds[-1] if block_kinds else None,
        outcome=Outcome.FAILED if error is not None else Outcome.SUCCEEDED,
        error=_code(error) if error is not None else None,
    )


class StatsMiddleware:
    def __init__(self, *, signals: FetchSignals, clock: Clock) -> None:
        self._signals, self._clock = signals, clock

    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response:
        try:
            response = await call_next(exchange)
        except Exception as exc:  # every fetch is logged, even one that hit a bug
            self._publish(exchange, error=exc)
            raise
        self._publish(exchange, error=None)
        return response

    def _publish(self, exchange: Exchange, *, error: BaseException | None) -> None:
        record = request_record(exchange, error=error, clock=self._clock)
        self._signals.send(RequestFinished(request=exchange.request, record=record))
