"""Retry middleware: the attempt loop, applying the policy tables of :mod:`.policy`.

Each turn of the loop is one attempt through the inner chain (identity, session, proxy,
throttle, client, block detection). When it ends:

1. the answer's status is mapped to its typed error (``policy.error_for``), or an error was
   raised on the way (a block, a timeout, a reset connection);
2. the host's circuit breaker learns whether the host itself failed;
3. an :class:`AttemptFinished` event reports the attempt (status, bytes, block, action);
4. the policy's action is carried out: accept, rotate (retire the session with its identity and
   proxy), wait ``Retry-After`` or back off, or give up and raise.

Rotation happens even on the last attempt, so the next fetch does not reuse a burned session.
A host whose circuit is open is not contacted at all: :class:`CircuitOpen` goes to the caller.
"""

from __future__ import annotations

import dataclasses
import time

from shelfscope.clock import Clock
from shelfscope.errors import Blocked, ShelfscopeError
from shelfscope.fetch.breaker import CircuitBreaker
from shelfscope.fetch.chain import Handler
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.models import Response
from shelfscope.fetch.policy import HOST_FAILURES, Action, Decision, RetryPolicy
from shelfscope.fetch.sessions import SessionPool
from shelfscope.fetch.signals import AttemptFinished, AttemptRecord, FetchSignals
from shelfscope.fetch.timing import Sleep
from shelfscope.logs import get_logger

__all__ = ["RetryMiddleware"]

log = get_logger(__name__)


class RetryMiddleware:
    def __init__(
        self,
        *,
        policy: RetryPolicy,
        breaker: CircuitBreaker,
        sessions: SessionPool,
        signals: FetchSignals,
        clock: Clock,
        sleep: Sleep,
    ) -> None:
        self._policy, self._breaker, self._sessions = policy, breaker, sessions
        self._signals, self._clock, self._sleep = signals, clock, sleep

    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response:
        host = exchange.request.host
        while True:
            response, error = await self._attempt(exchange, call_next)
            if error is None:
                assert response is not None
                self._report(exchange, error=None, decision=Decision(action=Action.ACCEPT, retry=False))
                return dataclasses.replace(response, attempts=exchange.attempt)
            decision = self._policy.decide(error, attempt=exchange.attempt)
            self._report(exchange, error=error, decision=decision)
            if decision.action is Action.ROTATE and exchange.session is not None:
                self._sessions.retire(exchange.session, reason=error.code)
            if not decision.retry:
                raise error
            log.info(
                "fetch retry",
                host=host,
                attempt=exchange.attempt,
                error=error.code,
                action=str(decision.action),
                delay=round(decision.delay, 3),
                run_id=exchange.request.run_id,
            )
            if decision.delay > 0:
                await self._sleep(decision.delay)

    async def _attempt(
        self, exchange: Exchange, call_next: Handler
    ) -> tuple[Response | None, ShelfscopeError | None]:
        """One pass through the inner chain, as (response, None) or (maybe a response, error)."""
        host = exchange.request.host
        self._breaker.before_call(host)
        exchange.begin_attempt()
        try:
            response = await call_next(exchange)
        except ShelfscopeError as exc:
            self._breaker.record(host, ok=not isinstance(exc, HOST_FAILURES))
            return exchange.response, exc
        except BaseException:  # a bug or a cancellation says nothing about the host
            self._breaker.release(host)
            raise
        error = self._policy.error_for(response, now=self._clock.now())
        self._breaker.record(host, ok=not isinstance(error, HOST_FAILURES))
        return response, error

    def _report(self, exchange: Exchange, *, error: ShelfscopeError | None, decision: Decision) -> None:
        response, session = exchange.response, exchange.session
        if response is not None:
            elapsed = response.elapsed
        elif exchange.sent_at is not None:  # failed in the client: time since it started sending
            elapsed = time.perf_counter() - exchange.sent_at
        else:  # failed before reaching the client (no proxy, circuit, configuration)
            elapsed = 0.0
        record = AttemptRecord(
            number=exchange.attempt,
            status=response.status if response is not None else None,
            elapsed=elapsed,
            bytes_in=response.bytes_in if response is not None else 0,
            bytes_out=response.bytes_out if response is not None else 0,
            identity_id=session.identity.id if session is not None else None,
            session_id=session.id if session is not None else None,
            proxy_id=session.proxy_id if session is not None else None,
            error=error.code if error is not None else None,
            block_kind=error.kind if isinstance(error, Blocked) else None,
            action=str(decision.action),
            delay=decision.delay,
        )
        exchange.attempts.append(record)
        self._signals.send(AttemptFinished(request=exchange.request, record=record))
