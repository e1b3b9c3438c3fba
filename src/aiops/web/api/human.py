"""People's decisions on an incident, kept beside the agents' for comparison (issue 8).

`POST /api/v1/incidents/{id}/human-decisions` records what a person decided — triage,
the root cause named, the action chosen — each with its time, as decision-log entries
with backend "human" (agent `human:<person>`), so the evaluation and the decision log
read people and agents the same way. Nothing acts on them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from aiops.errors import NotFound
from aiops.model.decisions import Autonomy, Decision
from aiops.store.repos.decisions import DecisionRepo, decisions_json
from aiops.store.repos.incidents import IncidentRepo
from aiops.web.deps import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1/incidents", tags=["human decisions"])

# body field -> the decision kind the agents use for the same question
KINDS = {"triage": "triage", "root_cause": "diagnose", "action": "remediate"}


class HumanDecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: str = Field(min_length=1, max_length=200)
    triage: str | None = Field(default=None, max_length=2_000)  # e.g. "P2, real, sulu"
    root_cause: str | None = Field(default=None, max_length=500)  # a CI, e.g. "sulu-db"
    action: str | None = Field(default=None, max_length=500)  # a runbook name or "none"
    note: str | None = Field(default=None, max_length=10_000)
    decided_at: datetime | None = None  # when the person decided (default: now)

    @model_validator(mode="after")
    def _one_of(self) -> HumanDecisionBody:
        if not (self.triage or self.root_cause or self.action):
            raise ValueError("give at least one of triage, root_cause, action")
        if self.decided_at is not None and self.decided_at.tzinfo is None:
            raise ValueError("decided_at needs a time zone")
        return self


@router.post("/{incident_id}/human-decisions", status_code=201,
             summary="Record a person's triage, root cause and action on an incident")  # fmt: skip
def post_human_decisions(
    incident_id: str, body: HumanDecisionBody, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    if IncidentRepo(session).get(incident_id) is None:
        raise NotFound(f"incident {incident_id!r} not found")
    now = runtime.clock()
    at = body.decided_at or now
    repo, out = DecisionRepo(session), []
    for field, kind in KINDS.items():
        value = getattr(body, field)
        if not value:
            continue
        payload = {field: value, "note": body.note}
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        out.append(repo.add(Decision(
            id=f"DEC-H-{uuid.uuid4().hex[:12]}", incident_id=incident_id,
            agent=f"human:{body.person}", kind=kind, agent_version="human",
            instructions_hash="", input_digest=digest, trigger="human",
            trigger_key=f"human:{kind}:{at.isoformat()}", backend="human",
            output={field: value, "recorded_at": now.isoformat()}, summary=value,
            evidence=[body.note] if body.note else [], autonomy=Autonomy.suggest,
            created_at=at,
        ), actor="human"))  # fmt: skip
    return {"items": decisions_json(out)}


__all__ = ["router"]
