"""The fetch system's health score, 0-100, with the share each factor contributed.

Computed over the request log of one workspace in a recent window (default 24 hours)::

    score = 100 * (0.40 * success + 0.20 * latency + 0.30 * block_avoidance + 0.10 * active_jobs)

each factor in [0, 1]:

* ``success``          succeeded requests / all requests;
* ``latency``          1 when the mean latency of succeeded requests is at most ``good_ms``
                       (1 s), 0 at ``bad_ms`` (10 s) or more, linear in between;
* ``block_avoidance``  1 - blocked requests / all requests (a request is blocked when any of its
                       attempts met a block page, even if a retry then succeeded);
* ``active_jobs``      runs (distinct run ids) with at least one succeeded request / runs seen:
                       a job run that gets nothing through is stalled, however few its requests.

With no requests in the window every factor is 1: nothing is failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from shelfscope.fetch.models_db import RequestLogEntry

__all__ = ["WEIGHTS", "HealthScore", "health_score"]

WEIGHTS = {"success": 0.40, "latency": 0.20, "block_avoidance": 0.30, "active_jobs": 0.10}


@dataclass(frozen=True, kw_only=True)
class HealthScore:
    score: float
    factors: dict[str, float]
    """Each factor's value in [0, 1]."""
    contributions: dict[str, float]
    """Each factor's points out of 100 (weight x value x 100)."""
    requests: int
    succeeded: int
    blocked: int
    mean_latency_ms: float | None
    runs: int
    runs_with_success: int


def _latency_factor(mean_ms: float | None, *, good_ms: float, bad_ms: float) -> float:
    if mean_ms is None or mean_ms <= good_ms:
        return 1.0
    return max(0.0, (bad_ms - mean_ms) / (bad_ms - good_ms))


def health_score(
    session: Session,
    *,
    workspace_id: int,
    now: datetime,
    window: timedelta = timedelta(hours=24),
    good_ms: float = 1000.0,
    bad_ms: float = 10000.0,
) -> HealthScore:
    """The score of ``workspace_id`` over ``window`` before ``now`` (formulas in the module doc)."""
    log = RequestLogEntry
    scope = (log.workspace_id == workspace_id, log.at >= now - window, log.at <= now)
    ok = log.outcome == "succeeded"
    total, succeeded, blocked, mean_ms = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((ok, 1), else_=0)), 0),
            func.coalesce(func.sum(case((log.blocked, 1), else_=0)), 0),
            func.avg(case((ok, log.latency_ms), else_=None)),
        ).where(*scope)
    ).one()
    runs, runs_ok = session.execute(
        select(
            func.count(distinct(log.run_id)), func.count(distinct(case((ok, log.run_id), else_=None)))
        ).where(*scope, log.run_id.is_not(None))
    ).one()
    total, succeeded, blocked, runs, runs_ok = (
        int(total),
        int(succeeded),
        int(blocked),
        int(runs),
        int(runs_ok),
    )
    mean = float(mean_ms) if mean_ms is not None else None
    factors = {
        "success": succeeded / total if total else 1.0,
        "latency": _latency_factor(mean, good_ms=good_ms, bad_ms=bad_ms),
        "block_avoidance": 1.0 - blocked / total if total else 1.0,
        "active_jobs": runs_ok / runs if runs else 1.0,
    }
    contributions = {name: round(WEIGHTS[name] * value * 100, 2) for name, value in factors.items()}
    return HealthScore(
        score=round(sum(WEIGHTS[name] * value for name, value in factors.items()) * 100, 1),
        factors={name: round(value, 4) for name, value in factors.items()},
        contributions=contributions,
        requests=total,
        succeeded=succeeded,
        blocked=blocked,
        mean_latency_ms=round(mean, 1) if mean is not None else None,
        runs=runs,
        runs_with_success=runs_ok,
    )
