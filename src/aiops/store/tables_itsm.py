"""ITSM tables: changes, used approval-link nonces, problems, SLA clocks, notifications.

Each record is kept whole as JSON (`doc`, the `aiops.model.itsm` object) beside the few
columns queries filter on, so the model can grow without a migration per field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aiops.store.tables import Base
from aiops.store.types import JsonType, UTCDateTime


class ChangeRow(Base):
    __tablename__ = "itsm_changes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    runbook: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(30), index=True)
    type: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    doc: Mapped[dict[str, Any]] = mapped_column(JsonType)


class LinkNonceRow(Base):
    """A signed approval link that was used: a second use is a replay."""

    __tablename__ = "itsm_link_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    change_id: Mapped[str] = mapped_column(String(40))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProblemRow(Base):
    __tablename__ = "itsm_problems"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    doc: Mapped[dict[str, Any]] = mapped_column(JsonType)


class IncidentKeyRow(Base):
    """Which recurrence keys (root cause, fingerprint) an incident had, and when."""

    __tablename__ = "itsm_incident_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("incident_id", "key", name="uq_itsm_incident_keys_incident_id_key"),
        Index("ix_itsm_incident_keys_key_at", "key", "at"),
    )


class SlaClockRow(Base):
    __tablename__ = "itsm_sla_clocks"

    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    open: Mapped[int] = mapped_column(Integer, index=True)  # 1 while a clock still runs
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    doc: Mapped[dict[str, Any]] = mapped_column(JsonType)


class NotificationRow(Base):
    __tablename__ = "itsm_notifications"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(300), unique=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    doc: Mapped[dict[str, Any]] = mapped_column(JsonType)
