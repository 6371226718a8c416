"""Alert rules of rank tracking: what about a job's ranks is worth an alert, and their storage.

A rule belongs to a tracking job and watches the job's own ASIN, for every keyword or for one
(``keyword_id``). Kinds (:class:`RuleKind`):

* ``rank_moved``: the organic rank moved by at least ``positions`` or ``percent`` (of the previous
  rank), in either or one ``direction``;
* ``page_one`` / ``top_ten``: entered or left organic page 1 / the top 10;
* ``sponsored``: lost or regained a sponsored placement;
* ``not_found``: the ASIN is no longer within the pages searched (de-indexed);
* ``anomaly``: the rank is outside the 7-day moving average ± 3 standard deviations of its own history.

Each rule fires at most once per ``cooldown_minutes`` per keyword. Another workspace's rules are
reported exactly like missing ones.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ForeignKey, Index, Select, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shelfscope.auth.audit import Auditable
from shelfscope.db import Base, BigIntPK, TimestampMixin
from shelfscope.errors import InvalidInput, NotFound
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.models import TrackedKeyword

__all__ = [
    "MAX_COOLDOWN_MINUTES",
    "Direction",
    "RankAlertRule",
    "RuleKind",
    "create_rule",
    "delete_rule",
    "get_rule",
    "rule_label",
    "rules_query",
    "update_rule",
]

MAX_COOLDOWN_MINUTES = 30 * 24 * 60
MAX_RULES_PER_JOB = 100


class RuleKind(enum.StrEnum):
    RANK_MOVED = "rank_moved"
    PAGE_ONE = "page_one"
    TOP_TEN = "top_ten"
    SPONSORED = "sponsored"
    NOT_FOUND = "not_found"
    ANOMALY = "anomaly"


class Direction(enum.StrEnum):
    ANY = "any"
    IMPROVED = "improved"
    WORSENED = "worsened"


class RankAlertRule(Auditable, TimestampMixin, Base):
    """One alert rule of a tracking job."""

    __tablename__ = "rank_alert_rules"
    __table_args__ = (Index("ix_rank_alert_rules_workspace_id_job_id", "workspace_id", "job_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("rank_jobs.id", ondelete="CASCADE"))
    keyword_id: Mapped[int | None] = mapped_column(
        ForeignKey("rank_keywords.id", ondelete="CASCADE"), doc="None: every keyword of the job."
    )
    kind: Mapped[str] = mapped_column(String(16))
    positions: Mapped[int | None] = mapped_column(doc="rank_moved: least move in positions.")
    percent: Mapped[int | None] = mapped_column(doc="rank_moved: least move in % of the previous rank.")
    direction: Mapped[str] = mapped_column(String(10), default=Direction.ANY.value)
    cooldown_minutes: Mapped[int] = mapped_column(default=360)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


def rules_query(*, workspace_id: int, job_id: int) -> Select[RankAlertRule]:
    return (
        select(RankAlertRule)
        .where(RankAlertRule.workspace_id == workspace_id, RankAlertRule.job_id == job_id)
        .order_by(RankAlertRule.id)
    )


def get_rule(session: Session, *, workspace_id: int, job_id: int, rule_id: int) -> RankAlertRule:
    rule = session.scalar(
        rules_query(workspace_id=workspace_id, job_id=job_id).where(RankAlertRule.id == rule_id)
    )
    if rule is None:
        raise NotFound(f"alert rule {rule_id} not found")
    return rule


def _keyword(session: Session, workspace_id: int, job_id: int, keyword_id: int | None) -> int | None:
    if keyword_id is None:
        return None
    found = session.scalar(
        select(TrackedKeyword.id).where(
            TrackedKeyword.id == keyword_id,
            TrackedKeyword.workspace_id == workspace_id,
            TrackedKeyword.job_id == job_id,
        )
    )
    if found is None:
        raise InvalidInput(f"keyword {keyword_id} is not a keyword of job {job_id}", field="keyword_id")
    return keyword_id


def _validated(rule: RankAlertRule) -> None:
    """A rule must be able to fire: thresholds where the kind needs them, sane numbers."""
    for field in ("positions", "percent"):
        value = getattr(rule, field)
        if value is not None and not 1 <= value <= (100_000 if field == "positions" else 1000):
            raise InvalidInput(f"{field} must be a positive whole number", field=field)
    if rule.kind == RuleKind.RANK_MOVED.value:
        if rule.positions is None and rule.percent is None:
            raise InvalidInput("a rank_moved rule needs positions or percent (or both)", field="positions")
    elif rule.positions is not None or rule.percent is not None:
        raise InvalidInput(f"a {rule.kind} rule takes no positions or percent", field="positions")
    if not 1 <= rule.cooldown_minutes <= MAX_COOLDOWN_MINUTES:
        raise InvalidInput(f"cooldown_minutes must be 1 to {MAX_COOLDOWN_MINUTES}", field="cooldown_minutes")


def _enum(kind: type[enum.StrEnum], value: Any, field: str) -> str:
    try:
        return kind(value).value
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidInput(f"{field} must be one of {allowed}, not {value!r}", field=field) from None


def create_rule(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    kind: str,
    keyword_id: int | None = None,
    positions: int | None = None,
    percent: int | None = None,
    direction: str = Direction.ANY.value,
    cooldown_minutes: int = 360,
    enabled: bool = True,
    created_by_user_id: int | None = None,
) -> RankAlertRule:
    get_job(session, workspace_id=workspace_id, job_id=job_id)
    count = session.scalar(
        select(func.count()).where(RankAlertRule.workspace_id == workspace_id, RankAlertRule.job_id == job_id)
    )
    if (count or 0) >= MAX_RULES_PER_JOB:
        raise InvalidInput(f"a job has at most {MAX_RULES_PER_JOB} alert rules", field="kind")
    rule = RankAlertRule(
        workspace_id=workspace_id,
        job_id=job_id,
        keyword_id=_keyword(session, workspace_id, job_id, keyword_id),
        kind=_enum(RuleKind, kind, "kind"),
        positions=positions,
        percent=percent,
        direction=_enum(Direction, direction, "direction"),
        cooldown_minutes=cooldown_minutes,
        enabled=enabled,
        created_by_user_id=created_by_user_id,
    )
    _validated(rule)
    session.add(rule)
    session.flush()
    return rule


_CHANGEABLE = frozenset({"keyword_id", "positions", "percent", "direction", "cooldown_minutes", "enabled"})


def update_rule(
    session: Session, *, workspace_id: int, job_id: int, rule_id: int, changes: dict[str, Any]
) -> RankAlertRule:
    """Change a rule; ``positions``/``percent``/``keyword_id`` set to None clear them. Kind is fixed."""
    rule = get_rule(session, workspace_id=workspace_id, job_id=job_id, rule_id=rule_id)
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise InvalidInput(f"cannot change {sorted(unknown)[0]} of a rule", field=sorted(unknown)[0])
    if "keyword_id" in changes:
        rule.keyword_id = _keyword(session, workspace_id, job_id, changes["keyword_id"])
    if "direction" in changes:
        rule.direction = _enum(Direction, changes["direction"], "direction")
    for field in ("positions", "percent", "cooldown_minutes", "enabled"):
        if field in changes and (changes[field] is not None or field in {"positions", "percent"}):
            setattr(rule, field, changes[field])
    _validated(rule)
    session.flush()
    return rule


def delete_rule(session: Session, *, workspace_id: int, job_id: int, rule_id: int) -> None:
    session.delete(get_rule(session, workspace_id=workspace_id, job_id=job_id, rule_id=rule_id))
    session.flush()


def rule_label(rule: RankAlertRule) -> str:
    """A short description people read: "moved ≥ 5 positions or ≥ 20 %"."""
    if rule.kind == RuleKind.RANK_MOVED.value:
        parts = [
            f"≥ {rule.positions} positions" if rule.positions else "",
            f"≥ {rule.percent} %" if rule.percent else "",
        ]
        direction = {"any": "moved", "improved": "improved", "worsened": "worsened"}[rule.direction]
        return f"rank {direction} " + " or ".join(part for part in parts if part)
    return {
        "page_one": "entered or left page 1",
        "top_ten": "entered or left the top 10",
        "sponsored": "lost or regained a sponsored placement",
        "not_found": "not found (de-indexed)",
        "anomaly": "outside the 7-day average ± 3 standard deviations",
    }[rule.kind]
