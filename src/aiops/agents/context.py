"""What an agent may see when it decides: the incident and everything around it.

Built by the stage from the store and the configuration; pure data, so the builtin
reasoner and the tools are testable without a database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiops.model import Alert, Event, Incident
from aiops.model.changes import ChangeRecord
from aiops.model.cmdb import Cmdb
from aiops.model.decisions import Decision
from aiops.model.policy import Policies


@dataclass(frozen=True)
class RunbookInfo:
    """One entry of the runbook catalogue, as agents see it (names and words only)."""

    name: str
    description: str = ""
    alerts: tuple[str, ...] = ()  # baseline alerts that start it (rules.yaml `runbook:`)
    params: dict[str, dict[str, Any]] | None = None  # declared parameters; None: unknown
    fixes: tuple[str, ...] = ()  # causes it fixes (aiops.model.causes), as its author says
    change_type: str | None = None  # standard | normal | emergency, when the file says
    risk: str | None = None  # low | medium | high, when the file says


@dataclass(frozen=True)
class MemoryHit:
    kind: str  # incident, decision, known_error, runbook, review
    ref: str
    text: str
    score: float
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    incident: Incident
    alerts: Sequence[Alert] = ()
    events: Sequence[Event] = ()
    changes: Sequence[ChangeRecord] = ()  # recorded deploys / config changes before it
    cmdb: Cmdb | None = None
    policies: Policies = field(default_factory=Policies)
    runbooks: Sequence[RunbookInfo] = ()
    memory: Sequence[MemoryHit] = ()
    upstream: dict[str, Decision] = field(default_factory=dict)  # agent name -> latest
    now: datetime | None = None
    # (runbook, state) of the changes already made for this incident, oldest first
    incident_changes: Sequence[tuple[str, str]] = ()

    @property
    def ci_names(self) -> set[str]:
        names = {c.name for c in self.cmdb.cis} if self.cmdb else set()
        return names | set(self.incident.cis) | {a.ci for a in self.alerts if a.ci}

    @property
    def service_names(self) -> set[str]:
        names = {s.name for s in self.cmdb.services} if self.cmdb else set()
        return names | ({self.incident.service} - {None})  # type: ignore[operator]

    @property
    def runbook_names(self) -> set[str]:
        return {r.name for r in self.runbooks}

    def runbook(self, name: str) -> RunbookInfo | None:
        return next((r for r in self.runbooks if r.name == name), None)

    def upstream_output(self, kind: str) -> dict[str, Any] | None:
        """The latest upstream decision of `kind` (e.g. the diagnosis before remediation)."""
        found = [d for d in self.upstream.values() if d.kind == kind and d.backend != "human"]
        return max(found, key=lambda d: d.created_at).output if found else None


def digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def diagnosis_gist(diagnosis: dict[str, Any] | None) -> Any:
    """What a diagnosis says, without what changes on every re-run (its time, its exact
    scores): agents re-decide when the suspects change, not when a score moves by 0.01."""
    if not diagnosis:
        return None
    cands = diagnosis.get("candidates") or []
    return {
        "cis": [c.get("ci") for c in cands[:3] if isinstance(c, dict)],
        "changes": [
            c.get("summary") for c in diagnosis.get("changes") or [] if isinstance(c, dict)
        ],
    }


def input_digest(ctx: Context) -> str:
    """A stable hash of what the agent was given (ids and states, not volatile counters)."""
    return digest(
        {
            "incident": [ctx.incident.id, ctx.incident.state.value, ctx.incident.diagnosis],
            "alerts": sorted((a.id, a.state.value) for a in ctx.alerts),
            "events": sorted(e.id for e in ctx.events),
            "changes": sorted(c.id for c in ctx.changes),
            "upstream": sorted(d.id for d in ctx.upstream.values()),
            "runbooks": sorted(r.name for r in ctx.runbooks),
            "incident_changes": list(ctx.incident_changes),
        }
    )


__all__ = ["Context", "MemoryHit", "RunbookInfo", "diagnosis_gist", "digest", "input_digest"]
