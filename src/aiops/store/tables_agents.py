"""Agent decisions: the decision log (one row per decision, with the human verdict).

Each row is also summarised in the audit chain (`audit_seq` points at its record), so
the log cannot be edited quietly; budgets are sums over these rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aiops.store.tables import Base
from aiops.store.types import JsonType, UTCDateTime


class DecisionRow(Base):
    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    agent: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    agent_version: Mapped[str] = mapped_column(String(64))
    instructions_hash: Mapped[str] = mapped_column(String(64))
    policy_version: Mapped[str | None] = mapped_column(String(64))
    input_digest: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(100))
    trigger_key: Mapped[str] = mapped_column(String(64))
    backend: Mapped[str] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(200))
    plan: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    tools_called: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    output: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    summary: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    autonomy: Mapped[str] = mapped_column(String(20))
    fallback: Mapped[str | None] = mapped_column(String(500))
    tokens_in: Mapped[int] = mapped_column(Integer)
    tokens_out: Mapped[int] = mapped_column(Integer)
    calls: Mapped[int] = mapped_column(Integer)
    cost_usd: Mapped[float] = mapped_column(Float)
    latency_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    audit_seq: Mapped[int | None] = mapped_column(Integer)
    verdict: Mapped[str | None] = mapped_column(String(10))
    verdict_by: Mapped[str | None] = mapped_column(String(200))
    verdict_note: Mapped[str | None] = mapped_column(Text)
    verdict_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_decisions_incident_id_agent", "incident_id", "agent"),
        Index("ix_decisions_agent_created_at", "agent", "created_at"),
    )
