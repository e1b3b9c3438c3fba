"""Decision: one output of a configured agent, as recorded in the decision log.

Shared by `agents` (which produces decisions), `store` (which keeps them) and the web
and CLI (which show them), so it lives with the other domain types.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Autonomy(StrEnum):
    """How far an agent's output goes without a person: the act stage honours it."""

    suggest = "suggest"  # shown to people; nothing runs
    approve = "approve"  # runs after a person approves
    autonomous = "autonomous"  # runs (within policy), people are told


class Verdict(StrEnum):
    right = "right"
    wrong = "wrong"


class Decision(BaseModel):
    """Everything needed to audit, replay and score one agent decision."""

    model_config = ConfigDict(extra="forbid")

    id: str
    incident_id: str | None = None
    agent: str
    kind: str  # triage, diagnose, remediate, ...
    agent_version: str
    instructions_hash: str
    policy_version: str | None = None  # sha256 of policies.yaml when known
    input_digest: str
    trigger: str  # what made it run: "opened", "after:triage", ...
    trigger_key: str = ""  # idempotency: same key, same incident -> not run again
    backend: str  # "builtin", "openai_compat", "anthropic", "bedrock", "human"
    model: str | None = None
    plan: list[dict[str, Any]] = Field(default_factory=list)
    tools_called: list[dict[str, Any]] = Field(default_factory=list)
    output: dict[str, Any] = Field(default_factory=dict)
    summary: str = ""
    confidence: float | None = None
    evidence: list[str] = Field(default_factory=list)
    autonomy: Autonomy = Autonomy.suggest
    fallback: str | None = None  # why the configured backend was not used, when it wasn't
    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    created_at: datetime
    verdict: Verdict | None = None
    verdict_by: str | None = None
    verdict_note: str | None = None
    verdict_at: datetime | None = None

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out


__all__ = ["Autonomy", "Decision", "Verdict"]
