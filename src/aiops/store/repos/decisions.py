"""The decision log: write a decision (and its audit record), list, judge, sum usage."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from aiops.errors import NotFound
from aiops.model import Incident
from aiops.model.changes import ChangeRecord
from aiops.model.decisions import Autonomy, Decision, Verdict
from aiops.store import audit
from aiops.store.repos.rows import incident_model
from aiops.store.tables import AlertRow, IncidentRow
from aiops.store.tables_agents import DecisionRow

_FIELDS = [c.key for c in DecisionRow.__table__.columns if c.key != "audit_seq"]


@dataclass(frozen=True)
class DecisionFilter:
    incident_id: str | None = None
    agent: str | None = None
    backend: str | None = None
    fallback: bool | None = None  # True: only fallbacks; False: only none
    verdict: str | None = None  # right, wrong, or "none" for not judged yet
    since: datetime | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class UsageTotals:
    tokens: int
    calls: int
    cost_usd: float


def _model(r: Any) -> Decision:
    data = {k: getattr(r, k) for k in _FIELDS}
    data["autonomy"] = Autonomy(data["autonomy"])
    data["verdict"] = Verdict(data["verdict"]) if data["verdict"] else None
    for k in ("plan", "tools_called", "evidence"):
        data[k] = data[k] or []
    data["output"] = data["output"] or {}
    return Decision.model_construct(**data)


def _audit_view(d: Decision) -> dict[str, Any]:
    return {
        k: v
        for k, v in d.model_dump(mode="json").items()
        if k
        in (
            "incident_id",
            "agent",
            "kind",
            "agent_version",
            "instructions_hash",
            "policy_version",
            "input_digest",
            "backend",
            "model",
            "output",
            "autonomy",
            "fallback",
            "tokens_in",
            "tokens_out",
            "cost_usd",
        )
    }


class DecisionRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, d: Decision, *, actor: str = "agents") -> Decision:
        """Insert the decision and append it to the audit chain, in the caller's transaction."""
        rec = audit.append(
            self.session,
            actor=f"{actor}:{d.agent}",
            entity="decision",
            entity_id=d.id,
            action="create",
            before=None,
            after=_audit_view(d),
            now=d.created_at,
        )
        values = d.model_dump(mode="python")
        values.pop("tokens", None)
        values["autonomy"] = d.autonomy.value
        values["verdict"] = d.verdict.value if d.verdict else None
        values["audit_seq"] = rec.seq
        self.session.execute(insert(DecisionRow), [values])
        return d

    def get(self, decision_id: str) -> Decision | None:
        row = self.session.execute(
            select(DecisionRow.__table__).where(DecisionRow.id == decision_id)
        ).first()
        return _model(row) if row else None

    def list(self, f: DecisionFilter) -> tuple[list[Decision], int]:
        stmt = select(DecisionRow.__table__)
        if f.incident_id:
            stmt = stmt.where(DecisionRow.incident_id == f.incident_id)
        if f.agent:
            stmt = stmt.where(DecisionRow.agent == f.agent)
        if f.backend:
            stmt = stmt.where(DecisionRow.backend == f.backend)
        if f.fallback is True:
            stmt = stmt.where(DecisionRow.fallback.is_not(None))
        elif f.fallback is False:
            stmt = stmt.where(DecisionRow.fallback.is_(None))
        if f.verdict == "none":
            stmt = stmt.where(DecisionRow.verdict.is_(None))
        elif f.verdict:
            stmt = stmt.where(DecisionRow.verdict == f.verdict)
        if f.since is not None:
            stmt = stmt.where(DecisionRow.created_at >= f.since)
        total = self.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        rows = self.session.execute(
            stmt.order_by(DecisionRow.created_at.desc(), DecisionRow.audit_seq.desc())
            .limit(f.limit)
            .offset(f.offset)
        ).all()
        return [_model(r) for r in rows], int(total)

    def for_incident(self, incident_id: str) -> builtins.list[Decision]:
        rows = self.session.execute(
            select(DecisionRow.__table__)
            .where(DecisionRow.incident_id == incident_id)
            .order_by(DecisionRow.audit_seq)
        ).all()  # the order they were made
        return [_model(r) for r in rows]

    def usage(
        self, *, incident_id: str | None = None, since: datetime | None = None
    ) -> UsageTotals:
        stmt = select(
            func.coalesce(func.sum(DecisionRow.tokens_in + DecisionRow.tokens_out), 0),
            func.coalesce(func.sum(DecisionRow.calls), 0),
            func.coalesce(func.sum(DecisionRow.cost_usd), 0.0),
        )
        if incident_id is not None:
            stmt = stmt.where(DecisionRow.incident_id == incident_id)
        if since is not None:
            stmt = stmt.where(DecisionRow.created_at >= since)
        tokens, calls, cost = self.session.execute(stmt).one()
        return UsageTotals(int(tokens), int(calls), float(cost))

    def set_verdict(
        self, decision_id: str, verdict: Verdict, *, by: str, note: str | None, now: datetime
    ) -> Decision:
        before = self.get(decision_id)
        if before is None:
            raise NotFound(f"decision {decision_id!r} not found")
        self.session.execute(
            update(DecisionRow)
            .where(DecisionRow.id == decision_id)
            .values(verdict=verdict.value, verdict_by=by, verdict_note=note, verdict_at=now)
        )
        audit.append(
            self.session,
            actor=by,
            entity="decision",
            entity_id=decision_id,
            action="verdict",
            before={"verdict": before.verdict.value if before.verdict else None},
            after={"verdict": verdict.value, "note": note},
            now=now,
        )
        after = self.get(decision_id)
        assert after is not None
        return after

    def past_incidents(
        self,
        *,
        exclude: str | None = None,
        limit: int = 200,
    ) -> builtins.list[tuple[Incident, builtins.list[str], builtins.list[Decision]]]:
        """Recent incidents with their alert names and decisions: the memory's raw material."""
        stmt = select(IncidentRow.__table__).order_by(IncidentRow.opened_at.desc()).limit(limit)
        if exclude is not None:
            stmt = stmt.where(IncidentRow.id != exclude)
        incs = [incident_model(r) for r in self.session.execute(stmt).all()]
        if not incs:
            return []
        ids = [i.id for i in incs]
        names: dict[str, set[str]] = {}
        for iid, name in self.session.execute(
            select(AlertRow.incident_id, AlertRow.name).where(AlertRow.incident_id.in_(ids))
        ):
            names.setdefault(str(iid), set()).add(name)
        decs: dict[str, list[Decision]] = {}
        for r in self.session.execute(
            select(DecisionRow.__table__).where(DecisionRow.incident_id.in_(ids))
        ).all():
            decs.setdefault(str(r.incident_id), []).append(_model(r))
        return [(i, sorted(names.get(i.id, ())), decs.get(i.id, [])) for i in incs]


def decision_json(d: Decision) -> dict[str, Any]:
    return {**d.model_dump(mode="json"), "tokens": d.tokens}


def decisions_json(items: Sequence[Decision]) -> list[dict[str, Any]]:
    return [decision_json(d) for d in items]


class SqlAgentStore:
    """The agents stage's view of the store, in one session (see `aiops.agents.stage`)."""

    def __init__(self, session: Session) -> None:
        from aiops.store.repos.cmdb import ChangeRepo
        from aiops.store.repos.incidents import IncidentRepo

        self.incidents = IncidentRepo(session)
        self.change_repo = ChangeRepo(session)
        self.decisions = DecisionRepo(session)

    def incident(self, incident_id: str) -> Incident | None:
        return self.incidents.get(incident_id)

    def alerts(self, incident_id: str) -> list[Any]:
        return self.incidents.alerts(incident_id)

    def events(self, incident: Incident, alerts: Sequence[Any]) -> list[Any]:
        return self.incidents.events(incident, alerts)

    def decisions_for(self, incident_id: str) -> list[Decision]:
        return self.decisions.for_incident(incident_id)

    def usage(
        self, *, incident_id: str | None = None, since: datetime | None = None
    ) -> UsageTotals:
        return self.decisions.usage(incident_id=incident_id, since=since)

    def add_decision(self, d: Decision) -> None:
        self.decisions.add(d)

    def changes(self, since: datetime, until: datetime) -> builtins.list[ChangeRecord]:
        return self.change_repo.list(since=since, until=until, limit=50)

    def incident_changes(self, incident_id: str) -> builtins.list[tuple[str, str]]:
        from aiops.store.repos.itsm import SqlItsmRepo

        made = SqlItsmRepo(self.incidents.session).list_changes(incident_id=incident_id)
        return [(c.runbook, c.state.value) for c in reversed(made)]  # oldest first

    def past_incidents(
        self,
        *,
        exclude: str | None = None,
    ) -> list[tuple[Incident, list[str], list[Decision]]]:
        return self.decisions.past_incidents(exclude=exclude)


__all__ = [
    "DecisionFilter",
    "DecisionRepo",
    "SqlAgentStore",
    "UsageTotals",
    "decision_json",
    "decisions_json",
]
