"""Alert, Incident and the records around them (grouping decisions, timeline)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aiops.model.events import EventStatus, Severity


class Alert(BaseModel):
    """A deduplicated stream of events sharing one fingerprint."""

    model_config = ConfigDict(extra="forbid")

    id: str
    fingerprint: str
    source: str
    name: str
    service: str | None = None
    ci: str | None = None
    severity: Severity = Severity.warning
    summary: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
    state: EventStatus = EventStatus.firing
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None = None
    count: int = 1
    incident_id: str | None = None


class IncidentState(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    mitigated = "mitigated"
    resolved = "resolved"
    closed = "closed"


class GroupingRule(StrEnum):
    """Why an alert joined (or opened) an incident."""

    new_incident = "new_incident"
    same_alert = "same_alert"  # the alert already belongs to an open incident
    same_service = "same_service"
    cmdb_neighbour = "cmdb_neighbour"
    similarity = "similarity"


class GroupingDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: GroupingRule
    incident_id: str | None = None  # None when rule is new_incident
    score: float = 1.0
    distance: int | None = None  # hops in the CMDB graph, for cmdb_neighbour
    detail: str = ""


class Incident(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    service: str | None = None
    cis: list[str] = Field(default_factory=list)
    state: IncidentState = IncidentState.open
    severity: Severity = Severity.warning
    impact: int = 3  # 1 (high) .. 3 (low)
    urgency: int = 3  # 1 (high) .. 3 (low)
    priority: int = 4  # ITIL P1 .. P5
    opened_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    alert_count: int = 0
    diagnosis: dict[str, Any] | None = None


class TimelineEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: datetime
    kind: str  # "alert", "state", "comment", "grouping", "diagnosis", ...
    text: str
    actor: str = "system"
    data: dict[str, Any] = Field(default_factory=dict)
