"""The store side of `correlate.runner.CorrelationUnit`: set-based reads and bulk writes.

One instance per batch and per transaction. It remembers which rows it loaded so it can
UPDATE those and INSERT the rest in one executemany each, which is what lets the
pipeline keep up with thousands of events per second on SQLite.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from aiops.model import Alert, Event, Incident, IncidentState, TimelineEntry
from aiops.store import audit
from aiops.store.repos.rows import (
    alert_model,
    alert_values,
    event_values,
    incident_model,
    incident_values,
)
from aiops.store.tables import AlertRow, EventRow, IncidentRow, TimelineRow

_CHUNK = 500  # bound IN (...) lists; SQLite allows 32k params but plans better small


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


class SqlCorrelationUnit:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._alert_ids: set[str] = set()
        self._incident_ids: set[str] = set()
        self._timeline: list[dict[str, Any]] = []
        self._audit: list[audit.Entry] = []

    def known_event_ids(self, ids: Collection[str]) -> set[str]:
        found: set[str] = set()
        for part in _chunks(sorted(ids)):
            found.update(
                self.session.execute(select(EventRow.id).where(EventRow.id.in_(part))).scalars()
            )
        return found

    def alerts_by_fingerprint(self, fingerprints: Collection[str]) -> dict[str, Alert]:
        out: dict[str, Alert] = {}
        for part in _chunks(sorted(fingerprints)):
            rows = self.session.execute(
                select(AlertRow.__table__).where(AlertRow.fingerprint.in_(part))
            ).all()
            for r in rows:
                out[r.fingerprint] = alert_model(r)
                self._alert_ids.add(r.id)
        return out

    def _active(self, since: datetime):  # type: ignore[no-untyped-def]
        live = [st.value for st in (IncidentState.open, IncidentState.acknowledged)]
        return IncidentRow.state.in_(live) | (
            (IncidentRow.state == IncidentState.mitigated.value) & (IncidentRow.updated_at >= since)
        )

    def active_incident_versions(self, since: datetime) -> dict[str, datetime]:
        rows = self.session.execute(
            select(IncidentRow.id, IncidentRow.updated_at).where(self._active(since))
        ).all()
        self._incident_ids.update(r.id for r in rows)
        return {r.id: r.updated_at for r in rows}

    def incidents_by_id(self, ids: Collection[str]) -> list[Incident]:
        out: list[Incident] = []
        for part in _chunks(sorted(ids)):
            rows = self.session.execute(
                select(IncidentRow.__table__).where(IncidentRow.id.in_(part))
            ).all()
            self._incident_ids.update(r.id for r in rows)
            out.extend(incident_model(r) for r in rows)
        return out

    def incident_members(self, incident_ids: Collection[str]) -> dict[str, list[Alert]]:
        out: dict[str, list[Alert]] = {i: [] for i in incident_ids}
        for part in _chunks(sorted(incident_ids)):
            rows = self.session.execute(
                select(AlertRow.__table__).where(AlertRow.incident_id.in_(part))
            ).all()
            for r in rows:
                out[r.incident_id].append(alert_model(r))
                self._alert_ids.add(r.id)
        return out

    def insert_events(self, events: Sequence[tuple[Event, str | None]]) -> None:
        self.session.execute(EventRow.__table__.insert(), [event_values(e, a) for e, a in events])

    def upsert_alerts(self, alerts: Sequence[Alert]) -> None:
        self._upsert(AlertRow, [alert_values(a) for a in alerts], self._alert_ids)

    def touch_alerts(self, alerts: Sequence[Alert]) -> None:
        t = AlertRow.__table__
        stmt = (
            t.update()
            .where(t.c.id == bindparam("b_id"))
            .values(last_seen=bindparam("last_seen"), count=bindparam("count"))
        )
        self.session.execute(
            stmt, [{"b_id": a.id, "last_seen": a.last_seen, "count": a.count} for a in alerts]
        )

    def upsert_incidents(self, incidents: Sequence[Incident]) -> None:
        self._upsert(IncidentRow, [incident_values(i) for i in incidents], self._incident_ids)

    def _upsert(self, table: Any, values: list[dict[str, Any]], known: set[str]) -> None:
        old = [v for v in values if v["id"] in known]
        new = [v for v in values if v["id"] not in known]
        if new:
            self.session.execute(table.__table__.insert(), new)
            known.update(v["id"] for v in new)
        if old:
            t = table.__table__
            cols = [c for c in old[0] if c != "id"]
            stmt = t.update().where(t.c.id == bindparam("b_id")).values(
                {c: bindparam(c) for c in cols}
            )
            self.session.execute(stmt, [{**{c: v[c] for c in cols}, "b_id": v["id"]} for v in old])

    def add_timeline(self, incident_id: str, entry: TimelineEntry) -> None:
        # Buffered: the incident row it references is only written at the end of the batch.
        self._timeline.append(
            {"incident_id": incident_id, "at": entry.at, "kind": entry.kind, "text": entry.text,
             "actor": entry.actor, "data": entry.data}
        )

    def finish(self) -> None:
        audit.append_many(self.session, self._audit)
        self._audit = []
        if self._timeline:
            self.session.execute(insert(TimelineRow), self._timeline)
            self._timeline = []

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
        self._audit.append(audit.Entry(actor, entity, entity_id, action, before, after, now))
