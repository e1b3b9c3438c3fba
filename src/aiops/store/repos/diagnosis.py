"""The diagnose stage's view of the store (`aiops.diagnose.stage.DiagnosisUnit`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from aiops.model import Alert, Event, Incident, TimelineEntry
from aiops.model.changes import ChangeRecord
from aiops.store.repos.cmdb import ChangeRepo
from aiops.store.repos.incidents import IncidentRepo


class SqlDiagnosisUnit:
    def __init__(self, session: Session) -> None:
        self.repo = IncidentRepo(session)
        self.change_repo = ChangeRepo(session)

    def incident(self, incident_id: str) -> Incident | None:
        return self.repo.get(incident_id, for_update=True)

    def alerts(self, incident: Incident) -> list[Alert]:
        return self.repo.alerts(incident.id)

    def events(self, incident: Incident, alerts: list[Alert]) -> list[Event]:
        return self.repo.events(incident, alerts, limit=1000)

    def changes(self, since: datetime, until: datetime) -> list[ChangeRecord]:
        return self.change_repo.list(since=since, until=until)

    def remediation_started(self, incident_id: str) -> bool:
        """A change for the incident has run (or runs): its effects are not the fault's."""
        from sqlalchemy import select

        from aiops.store.tables_itsm import ChangeRow

        ran = ("running", "succeeded", "failed")
        stmt = select(ChangeRow.id).where(
            ChangeRow.incident_id == incident_id, ChangeRow.state.in_(ran)
        ).limit(1)  # fmt: skip
        return self.repo.session.execute(stmt).first() is not None

    def save(self, incident: Incident, diagnosis: dict[str, Any], now: datetime) -> None:
        before = incident.diagnosis
        self.repo.save(incident.model_copy(update={"diagnosis": diagnosis}))
        top = (diagnosis.get("candidates") or [{}])[0]
        self.repo.add_timeline(
            incident.id,
            TimelineEntry(
                at=now,
                kind="diagnosis",
                text=f"diagnosis: {diagnosis['summary']}",
                actor="diagnose",
                data={"ci": top.get("ci"), "confidence": top.get("confidence")},
            ),
        )
        self.repo.audit(
            actor="diagnose",
            entity_id=incident.id,
            action="diagnose",
            before={"diagnosis": before},
            after={"diagnosis": diagnosis},
            now=now,
        )


__all__ = ["SqlDiagnosisUnit"]
