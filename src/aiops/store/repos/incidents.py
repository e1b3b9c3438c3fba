"""Incident queries and writes for the API and the incident commands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from aiops.model import Alert, Event, Incident, TimelineEntry
from aiops.store import audit
from aiops.store.repos.rows import (
    alert_model,
    event_model,
    incident_model,
    incident_values,
    timeline_model,
)
from aiops.store.tables import AlertRow, EventRow, IncidentRow, TimelineRow


@dataclass(frozen=True)
class IncidentFilter:
    state: Sequence[str] = ()
    service: str | None = None
    priority_max: int | None = None  # P1..this
    since: datetime | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


class IncidentRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self, f: IncidentFilter) -> tuple[list[Incident], int]:
        stmt = select(IncidentRow.__table__)
        if f.state:
            stmt = stmt.where(IncidentRow.state.in_(list(f.state)))
        if f.service:
            stmt = stmt.where(IncidentRow.service == f.service)
        if f.priority_max is not None:
            stmt = stmt.where(IncidentRow.priority <= f.priority_max)
        if f.since is not None:
            stmt = stmt.where(IncidentRow.opened_at >= f.since)
        if f.q:
            stmt = stmt.where(IncidentRow.title.ilike(f"%{f.q}%"))
        total = self.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        rows = self.session.execute(
            stmt.order_by(IncidentRow.opened_at.desc(), IncidentRow.id).limit(f.limit).offset(f.offset)
        ).all()
        return [incident_model(r) for r in rows], int(total)

    def get(self, incident_id: str, *, for_update: bool = False) -> Incident | None:
        stmt = select(IncidentRow.__table__).where(IncidentRow.id == incident_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.session.execute(stmt).first()
        return incident_model(row) if row else None

    def alerts(self, incident_id: str) -> list[Alert]:
        rows = self.session.execute(
            select(AlertRow.__table__)
            .where(AlertRow.incident_id == incident_id)
            .order_by(AlertRow.first_seen)
        ).all()
        return [alert_model(r) for r in rows]

    def events(self, incident: Incident, alerts: Sequence[Alert], *, limit: int = 200) -> list[Event]:
        """The incident's own events plus evidence (logs, changes) on its services around it."""
        alert_ids = [a.id for a in alerts]
        services = {a.service for a in alerts if a.service} | ({incident.service} - {None})
        start = incident.opened_at - timedelta(minutes=15)
        end = (incident.resolved_at or incident.updated_at) + timedelta(minutes=5)
        conds = [EventRow.alert_id.in_(alert_ids)] if alert_ids else []
        if services:
            conds.append(
                EventRow.alert_id.is_(None)
                & EventRow.service.in_(sorted(s for s in services if s))
                & EventRow.occurred_at.between(start, end)
            )
        if not conds:
            return []
        rows = self.session.execute(
            select(EventRow.__table__).where(or_(*conds)).order_by(EventRow.occurred_at.desc()).limit(limit)
        ).all()
        return [event_model(r) for r in rows]

    def timeline(self, incident_id: str) -> list[TimelineEntry]:
        rows = self.session.execute(
            select(TimelineRow).where(TimelineRow.incident_id == incident_id).order_by(TimelineRow.id)
        ).scalars()
        return [timeline_model(r) for r in rows]

    def save(self, incident: Incident) -> None:
        self.session.execute(update(IncidentRow), [incident_values(incident)])

    def add_timeline(self, incident_id: str, entry: TimelineEntry) -> None:
        self.session.execute(
            insert(TimelineRow),
            [{"incident_id": incident_id, "at": entry.at, "kind": entry.kind, "text": entry.text,
              "actor": entry.actor, "data": entry.data}],
        )

    def audit(self, *, actor: str, entity_id: str, action: str, before: dict[str, Any] | None,
              after: dict[str, Any] | None, now: datetime) -> None:
        audit.append(self.session, actor=actor, entity="incident", entity_id=entity_id,
                     action=action, before=before, after=after, now=now)

    def counts_by_state(self) -> dict[str, int]:
        rows = self.session.execute(
            select(IncidentRow.state, func.count()).group_by(IncidentRow.state)
        ).all()
        return {r[0]: int(r[1]) for r in rows}
