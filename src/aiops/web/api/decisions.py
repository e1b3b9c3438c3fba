"""The decision log: list and filter, one decision, and people's verdicts on it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from aiops.errors import NotFound
from aiops.model.decisions import Verdict
from aiops.store.repos.decisions import DecisionFilter, DecisionRepo, decision_json, decisions_json
from aiops.web.deps import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1/decisions", tags=["decisions"])


class VerdictBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    by: str = Field(min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=10_000)


@router.get("", summary="Agent decisions, newest first")
def list_decisions(
    session: SessionDep,
    incident_id: str | None = None,
    agent: str | None = None,
    backend: str | None = None,
    fallback: bool | None = None,
    verdict: Literal["right", "wrong", "none"] | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    f = DecisionFilter(
        incident_id=incident_id,
        agent=agent,
        backend=backend,
        fallback=fallback,
        verdict=verdict,
        since=since,
        limit=limit,
        offset=offset,
    )
    items, total = DecisionRepo(session).list(f)
    return {"items": decisions_json(items), "total": total, "limit": limit, "offset": offset}


@router.get("/{decision_id}", summary="One decision with its plan, tools, output and verdict")
def get_decision(decision_id: str, session: SessionDep) -> dict[str, Any]:
    d = DecisionRepo(session).get(decision_id)
    if d is None:
        raise NotFound(f"decision {decision_id!r} not found")
    return decision_json(d)


@router.post("/{decision_id}/verdict", summary="Record whether a decision was right or wrong")
def post_verdict(
    decision_id: str, body: VerdictBody, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    d = DecisionRepo(session).set_verdict(
        decision_id, body.verdict, by=body.by, note=body.note, now=runtime.clock()
    )
    return decision_json(d)
