"""API shapes of rank alert rules."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shelfscope.ranks.alert_rules import MAX_COOLDOWN_MINUTES, Direction, RuleKind

__all__ = ["RuleCreate", "RuleOut", "RuleUpdate"]

_ID = Field(None, ge=1, le=2**63 - 1, description="One keyword of the job; unset: every keyword.")


class RuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RuleKind
    keyword_id: int | None = _ID
    positions: int | None = Field(None, ge=1, le=100_000, description="rank_moved: least move in positions.")
    percent: int | None = Field(None, ge=1, le=1000, description="rank_moved: least move in % of the rank.")
    direction: Direction = Field(Direction.ANY, description="rank_moved: any, improved or worsened.")
    cooldown_minutes: int = Field(
        360, ge=1, le=MAX_COOLDOWN_MINUTES, description="Fires at most once per keyword in this time."
    )
    enabled: bool = True


class RuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keyword_id: int | None = _ID
    positions: int | None = Field(None, ge=1, le=100_000)
    percent: int | None = Field(None, ge=1, le=1000)
    direction: Direction | None = None
    cooldown_minutes: int | None = Field(None, ge=1, le=MAX_COOLDOWN_MINUTES)
    enabled: bool | None = None


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    job_id: int
    keyword_id: int | None
    kind: str
    positions: int | None
    percent: int | None
    direction: str
    cooldown_minutes: int
    enabled: bool
    label: str = Field("", description="What the rule watches, in words.")
    created_at: datetime
