"""Event and Sample: the canonical shapes every source is translated into.

An `Event` is one thing that happened (an alert fired, a log line, a change, a
detector signal). A `Sample` is one metric point. Sources translate; `normalize`
validates and fills defaults (id, fingerprint, received_at); nothing later re-parses
a raw payload.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """Severity scale shared by every source; `rank` orders it."""

    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.critical: 4, Severity.error: 3, Severity.warning: 2, Severity.info: 1}


class EventKind(StrEnum):
    alert = "alert"  # a monitoring system says something is wrong (or fine again)
    log = "log"  # a log record worth keeping as evidence
    metric = "metric"  # a metric-derived event (threshold crossed)
    change = "change"  # a deploy / config change on a CI
    signal = "signal"  # an anomaly detector's output
    health = "health"  # a probe result
    message = "message"  # chat / service-desk text


class EventStatus(StrEnum):
    firing = "firing"
    resolved = "resolved"


class Event(BaseModel):
    """One normalized event. `fingerprint` identifies the alert stream it belongs to."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source: str
    kind: EventKind = EventKind.alert
    service: str | None = None
    ci: str | None = None
    severity: Severity = Severity.warning
    summary: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
    occurred_at: datetime
    received_at: datetime
    status: EventStatus = EventStatus.firing
    fingerprint: str
    payload: dict[str, Any] = Field(default_factory=dict)

    @property
    def name(self) -> str:
        """A short alert name: the `alertname` label when a source gives one."""
        return self.labels.get("alertname") or self.summary[:80] or self.kind.value


class Sample(BaseModel):
    """One metric point. `labels` carry the series identity (job, instance, ...)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    value: float
    timestamp: datetime
    labels: dict[str, str] = Field(default_factory=dict)
    service: str | None = None
    ci: str | None = None
    source: str = "native"

    @property
    def series_key(self) -> str:
        if not self.labels:
            return self.name
        inner = ",".join(f"{k}={v}" for k, v in sorted(self.labels.items()))
        return f"{self.name}{{{inner}}}"
