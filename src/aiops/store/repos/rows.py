"""Row ↔ model conversion, shared by the repositories."""

from __future__ import annotations

from typing import Any

from aiops.model import (
    Alert,
    Event,
    EventStatus,
    Incident,
    IncidentState,
    Severity,
    TimelineEntry,
)
from aiops.store.tables import AlertRow, EventRow, IncidentRow, TimelineRow

ALERT_COLUMNS = [c.key for c in AlertRow.__table__.columns]
INCIDENT_COLUMNS = [c.key for c in IncidentRow.__table__.columns]


def alert_values(a: Alert) -> dict[str, Any]:
    return {
        "id": a.id,
        "fingerprint": a.fingerprint,
        "source": a.source,
        "name": a.name[:300],
        "service": a.service,
        "ci": a.ci,
        "severity": a.severity.value,
        "summary": a.summary,
        "labels": a.labels,
        "state": a.state.value,
        "first_seen": a.first_seen,
        "last_seen": a.last_seen,
        "resolved_at": a.resolved_at,
        "count": a.count,
        "incident_id": a.incident_id,
    }


def alert_model(r: AlertRow | Any) -> Alert:
    # Rows were validated on the way in: construct without re-validating (hot path),
    # converting the enum columns by hand.
    return Alert.model_construct(
        id=r.id,
        fingerprint=r.fingerprint,
        source=r.source,
        name=r.name,
        service=r.service,
        ci=r.ci,
        severity=Severity(r.severity),
        summary=r.summary,
        labels=r.labels or {},
        state=EventStatus(r.state),
        first_seen=r.first_seen,
        last_seen=r.last_seen,
        resolved_at=r.resolved_at,
        count=r.count,
        incident_id=r.incident_id,
    )


def incident_values(i: Incident) -> dict[str, Any]:
    return {
        "id": i.id,
        "title": i.title[:300],
        "service": i.service,
        "cis": list(i.cis),
        "state": i.state.value,
        "severity": i.severity.value,
        "impact": i.impact,
        "urgency": i.urgency,
        "priority": i.priority,
        "opened_at": i.opened_at,
        "updated_at": i.updated_at,
        "acknowledged_at": i.acknowledged_at,
        "mitigated_at": i.mitigated_at,
        "resolved_at": i.resolved_at,
        "closed_at": i.closed_at,
        "alert_count": i.alert_count,
        "diagnosis": i.diagnosis,
    }


def incident_model(r: IncidentRow | Any) -> Incident:
    return Incident.model_construct(
        id=r.id,
        title=r.title,
        service=r.service,
        cis=list(r.cis or []),
        state=IncidentState(r.state),
        severity=Severity(r.severity),
        impact=r.impact,
        urgency=r.urgency,
        priority=r.priority,
        opened_at=r.opened_at,
        updated_at=r.updated_at,
        acknowledged_at=r.acknowledged_at,
        mitigated_at=r.mitigated_at,
        resolved_at=r.resolved_at,
        closed_at=r.closed_at,
        alert_count=r.alert_count,
        diagnosis=r.diagnosis,
    )


def event_values(e: Event, alert_id: str | None) -> dict[str, Any]:
    return {
        "id": e.id,
        "fingerprint": e.fingerprint,
        "source": e.source,
        "kind": e.kind.value,
        "service": e.service,
        "ci": e.ci,
        "severity": e.severity.value,
        "summary": e.summary,
        "labels": e.labels,
        "status": e.status.value,
        "occurred_at": e.occurred_at,
        "received_at": e.received_at,
        "payload": e.payload,
        "alert_id": alert_id,
    }


def event_model(r: EventRow | Any) -> Event:
    return Event(
        id=r.id,
        fingerprint=r.fingerprint,
        source=r.source,
        kind=r.kind,
        service=r.service,
        ci=r.ci,
        severity=r.severity,
        summary=r.summary,
        labels=r.labels or {},
        status=r.status,
        occurred_at=r.occurred_at,
        received_at=r.received_at,
        payload=r.payload or {},
    )


def timeline_model(r: TimelineRow) -> TimelineEntry:
    return TimelineEntry(at=r.at, kind=r.kind, text=r.text, actor=r.actor, data=r.data or {})
