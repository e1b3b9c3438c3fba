"""Incidents: list and filter, one with its alerts, events and timeline; people's actions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from aiops.correlate.commands import change_state, comment
from aiops.errors import NotFound
from aiops.model import IncidentState
from aiops.store.repos.incidents import IncidentFilter, IncidentRepo
from aiops.web.deps import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str = Field(default="api", min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=10_000)


class CommentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str = Field(default="api", min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=10_000)


@router.get("", summary="List incidents, newest first")
def list_incidents(
    session: SessionDep,
    state: Annotated[list[IncidentState] | None, Query()] = None,
    service: str | None = None,
    priority_max: Annotated[int | None, Query(ge=1, le=5)] = None,
    since: datetime | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    f = IncidentFilter(
        state=[s.value for s in state or []], service=service, priority_max=priority_max,
        since=since, q=q, limit=limit, offset=offset,
    )
    items, total = IncidentRepo(session).list(f)
    return {"items": [i.model_dump(mode="json") for i in items], "total": total,
            "limit": limit, "offset": offset}


@router.get("/{incident_id}", summary="One incident with its alerts, events and timeline")
def get_incident(incident_id: str, session: SessionDep) -> dict[str, Any]:
    repo = IncidentRepo(session)
    inc = repo.get(incident_id)
    if inc is None:
        raise NotFound(f"incident {incident_id!r} not found")
    alerts = repo.alerts(incident_id)
    return {
        **inc.model_dump(mode="json"),
        "alerts": [a.model_dump(mode="json") for a in alerts],
        "events": [e.model_dump(mode="json") for e in repo.events(inc, alerts)],
        "timeline": [t.model_dump(mode="json") for t in repo.timeline(incident_id)],
    }


def _action(to: IncidentState):  # type: ignore[no-untyped-def]
    def handler(incident_id: str, session: SessionDep, runtime: RuntimeDep,
                body: ActionBody | None = None) -> dict[str, Any]:
        body = body or ActionBody()
        inc = change_state(IncidentRepo(session), incident_id, to, actor=body.actor,
                           now=runtime.clock(), note=body.note)
        return inc.model_dump(mode="json")

    return handler


for _verb, _state in (
    ("acknowledge", IncidentState.acknowledged),
    ("mitigate", IncidentState.mitigated),
    ("resolve", IncidentState.resolved),
    ("close", IncidentState.closed),
    ("reopen", IncidentState.open),
):
    router.add_api_route(f"/{{incident_id}}/{_verb}", _action(_state), methods=["POST"],
                         summary=f"{_verb.capitalize()} an incident")


@router.post("/{incident_id}/comments", summary="Add a comment to the timeline")
def add_comment(incident_id: str, body: CommentBody, session: SessionDep,
                runtime: RuntimeDep) -> dict[str, Any]:
    entry = comment(IncidentRepo(session), incident_id, body.text, actor=body.actor,
                    now=runtime.clock())
    return entry.model_dump(mode="json")
