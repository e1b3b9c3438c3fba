"""Chart marks: when alerts fired and resolved, and when detectors raised signals.

The dashboard draws them as vertical lines over a service's metric charts, so a manager
sees the alert next to the curve that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aiops.store.tables import AlertRow, EventRow

MAX_MARKS = 500


@dataclass(frozen=True)
class Mark:
    at: datetime
    kind: str  # "alert" (first seen), "resolved", "signal"
    label: str
    severity: str
    service: str | None
    incident_id: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "t": self.at.timestamp(),
            "kind": self.kind,
            "label": self.label,
            "severity": self.severity,
            "service": self.service,
            "incident_id": self.incident_id,
        }


def list_marks(
    session: Session, *, service: str | None, since: datetime, limit: int = MAX_MARKS
) -> list[Mark]:
    """Marks at or after `since` for `service` (every service when None), oldest first."""
    a = select(AlertRow.__table__).where(
        or_(AlertRow.first_seen >= since, AlertRow.resolved_at >= since)
    )
    e = select(EventRow.occurred_at, EventRow.summary, EventRow.severity, EventRow.service).where(
        EventRow.kind == "signal", EventRow.occurred_at >= since
    )
    if service is not None:
        a = a.where(AlertRow.service == service)
        e = e.where(EventRow.service == service)
    marks: list[Mark] = []
    for r in session.execute(a.order_by(AlertRow.first_seen.desc()).limit(limit)).all():
        if r.first_seen >= since:
            marks.append(Mark(r.first_seen, "alert", r.name, r.severity, r.service, r.incident_id))
        if r.resolved_at is not None and r.resolved_at >= since:
            marks.append(
                Mark(r.resolved_at, "resolved", r.name, r.severity, r.service, r.incident_id)
            )
    for r in session.execute(e.order_by(EventRow.occurred_at.desc()).limit(limit)).all():
        marks.append(Mark(r.occurred_at, "signal", r.summary[:200], r.severity, r.service))
    marks.sort(key=lambda m: m.at)
    return marks[-limit:]
