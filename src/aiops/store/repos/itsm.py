"""SQL for `aiops.itsm`: changes, link nonces, problems, SLA clocks, the notification outbox.

Implements `aiops.itsm.ports.ItsmRepo` (structurally; the store does not import `itsm`).
Records are stored whole as JSON in `doc`, with the filtered columns beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aiops.model import Alert, Incident, TimelineEntry
from aiops.model.itsm import Change, Notification, Problem, SlaClock, SlaState
from aiops.store import audit
from aiops.store.repos.incidents import IncidentRepo
from aiops.store.tables_itsm import (
    ChangeRow,
    IncidentKeyRow,
    LinkNonceRow,
    NotificationRow,
    ProblemRow,
    SlaClockRow,
)


def _doc(model: Any) -> dict[str, Any]:
    out: dict[str, Any] = model.model_dump(mode="json")
    return out


class SqlItsmRepo:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.incidents = IncidentRepo(session)

    # -- changes -----------------------------------------------------------------------
    def _change_values(self, c: Change) -> dict[str, Any]:
        return {
            "incident_id": c.incident_id,
            "runbook": c.runbook,
            "state": c.state.value,
            "type": c.type.value,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "expires_at": c.expires_at,
            "doc": _doc(c),
        }

    def add_change(self, change: Change) -> None:
        self.session.add(ChangeRow(id=change.id, **self._change_values(change)))
        self.session.flush()

    def get_change(self, change_id: str, *, for_update: bool = False) -> Change | None:
        stmt = select(ChangeRow.doc).where(ChangeRow.id == change_id)
        if for_update:
            stmt = stmt.with_for_update()
        doc = self.session.execute(stmt).scalar_one_or_none()
        return Change.model_validate(doc) if doc is not None else None

    def save_change(self, change: Change) -> None:
        self.session.execute(
            update(ChangeRow).where(ChangeRow.id == change.id).values(**self._change_values(change))
        )

    def list_changes(
        self, *, incident_id: str | None = None, states: Sequence[str] = (), limit: int = 100
    ) -> list[Change]:
        stmt = (
            select(ChangeRow.doc).order_by(ChangeRow.created_at.desc(), ChangeRow.id).limit(limit)
        )
        if incident_id is not None:
            stmt = stmt.where(ChangeRow.incident_id == incident_id)
        if states:
            stmt = stmt.where(ChangeRow.state.in_(list(states)))
        return [Change.model_validate(d) for d in self.session.execute(stmt).scalars()]

    def claim_change(self, change_id: str, from_state: str, to_state: str, now: datetime) -> bool:
        """Atomically move a change between states; False if someone else moved it first."""
        res = self.session.execute(
            update(ChangeRow)
            .where(ChangeRow.id == change_id, ChangeRow.state == from_state)
            .values(state=to_state, updated_at=now)
        )
        return bool(res.rowcount)  # type: ignore[attr-defined]

    def spend_nonce(self, nonce: str, change_id: str, now: datetime) -> bool:
        """Record a link's nonce; False if it was already used (a replay)."""
        try:
            with self.session.begin_nested():
                self.session.add(LinkNonceRow(nonce=nonce[:64], change_id=change_id, used_at=now))
                self.session.flush()
        except IntegrityError:
            return False
        return True

    # -- incidents ---------------------------------------------------------------------
    def get_incident(self, incident_id: str, *, for_update: bool = False) -> Incident | None:
        return self.incidents.get(incident_id, for_update=for_update)

    def incident_alerts(self, incident_id: str) -> list[Alert]:
        return self.incidents.alerts(incident_id)

    def save_incident(self, incident: Incident) -> None:
        self.incidents.save(incident)

    def add_timeline(self, incident_id: str, entry: TimelineEntry) -> None:
        self.incidents.add_timeline(incident_id, entry)

    def audit(
        self,
        *,
        actor: str,
        entity: str,
        entity_id: str,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        audit.append(
            self.session,
            actor=actor,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
            now=now,
        )

    # -- problems ----------------------------------------------------------------------
    def add_incident_key(self, incident_id: str, key: str, at: datetime) -> bool:
        exists = self.session.execute(
            select(IncidentKeyRow.id).where(
                IncidentKeyRow.incident_id == incident_id, IncidentKeyRow.key == key
            )
        ).first()
        if exists:
            return False
        self.session.add(IncidentKeyRow(incident_id=incident_id, key=key[:300], at=at))
        self.session.flush()
        return True

    def incidents_with_key(self, key: str, since: datetime) -> list[str]:
        rows = self.session.execute(
            select(IncidentKeyRow.incident_id)
            .where(IncidentKeyRow.key == key, IncidentKeyRow.at >= since)
            .order_by(IncidentKeyRow.at)
        ).scalars()
        return list(rows)

    def get_problem(
        self, *, key: str | None = None, problem_id: str | None = None
    ) -> Problem | None:
        stmt = select(ProblemRow.doc)
        stmt = (
            stmt.where(ProblemRow.key == key)
            if key is not None
            else stmt.where(ProblemRow.id == problem_id)
        )
        doc = self.session.execute(stmt).scalar_one_or_none()
        return Problem.model_validate(doc) if doc is not None else None

    def save_problem(self, problem: Problem) -> None:
        row = self.session.get(ProblemRow, problem.id)
        values = {
            "key": problem.key,
            "state": problem.state.value,
            "updated_at": problem.updated_at,
            "doc": _doc(problem),
        }
        if row is None:
            self.session.add(ProblemRow(id=problem.id, **values))
        else:
            for k, v in values.items():
                setattr(row, k, v)
        self.session.flush()

    def list_problems(self, *, limit: int = 100) -> list[Problem]:
        rows = self.session.execute(
            select(ProblemRow.doc).order_by(ProblemRow.updated_at.desc()).limit(limit)
        ).scalars()
        return [Problem.model_validate(d) for d in rows]

    # -- SLA clocks --------------------------------------------------------------------
    def get_clock(self, incident_id: str) -> SlaClock | None:
        row = self.session.get(SlaClockRow, incident_id)
        return SlaClock.model_validate(row.doc) if row is not None else None

    def save_clock(self, clock: SlaClock) -> None:
        running = {SlaState.running, SlaState.warning}
        is_open = int(clock.response_state in running or clock.resolve_state in running)
        row = self.session.get(SlaClockRow, clock.incident_id)
        if row is None:
            self.session.add(
                SlaClockRow(
                    incident_id=clock.incident_id,
                    open=is_open,
                    updated_at=clock.updated_at,
                    doc=_doc(clock),
                )
            )
        else:
            row.open, row.updated_at, row.doc = is_open, clock.updated_at, _doc(clock)
        self.session.flush()

    def open_clocks(self, *, limit: int = 500) -> list[SlaClock]:
        rows = self.session.execute(
            select(SlaClockRow.doc).where(SlaClockRow.open == 1).limit(limit)
        ).scalars()
        return [SlaClock.model_validate(d) for d in rows]

    # -- notifications -----------------------------------------------------------------
    def enqueue(self, n: Notification) -> bool:
        """Add to the outbox unless one with the same `dedup_key` exists."""
        exists = self.session.execute(
            select(func.count())
            .select_from(NotificationRow)
            .where(NotificationRow.dedup_key == n.dedup_key)
        ).scalar_one()
        if exists:
            return False
        self.session.add(
            NotificationRow(
                id=n.id,
                dedup_key=n.dedup_key,
                state=n.state.value,
                next_at=n.next_at,
                created_at=n.created_at,
                doc=_doc(n),
            )
        )
        self.session.flush()
        return True

    def due_notifications(self, now: datetime, *, limit: int = 50) -> list[Notification]:
        rows = self.session.execute(
            select(NotificationRow.doc)
            .where(NotificationRow.state == "pending", NotificationRow.next_at <= now)
            .order_by(NotificationRow.next_at)
            .limit(limit)
        ).scalars()
        return [Notification.model_validate(d) for d in rows]

    def save_notification(self, n: Notification) -> None:
        self.session.execute(
            update(NotificationRow)
            .where(NotificationRow.id == n.id)
            .values(state=n.state.value, next_at=n.next_at, doc=_doc(n))
        )

    def list_notifications(
        self, *, states: Sequence[str] = (), limit: int = 100
    ) -> list[Notification]:
        stmt = select(NotificationRow.doc).order_by(NotificationRow.created_at.desc()).limit(limit)
        if states:
            stmt = stmt.where(NotificationRow.state.in_(list(states)))
        return [Notification.model_validate(d) for d in self.session.execute(stmt).scalars()]


__all__ = ["SqlItsmRepo"]
