"""Changes and approvals (REST + signed links), problems, SLA figures, the notification outbox.

GET  /api/v1/change-requests[?incident_id&state]     POST /api/v1/change-requests (propose)
GET  /api/v1/change-requests/{id}
POST /api/v1/change-requests/{id}/approve | /deny    {"approver", "comment", "role"}
POST /api/v1/change-requests/{id}/withdraw          {"by", "reason"} (before any decision)
GET  /approve/{token}   a confirmation page (mail scanners may open links: no action)
POST /approve/{token}   apply the signed link once
GET  /api/v1/problems, /api/v1/sla, /api/v1/notifications[?state=dead]
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from aiops.errors import AiopsError, NotFound
from aiops.itsm.service import ChangeService
from aiops.itsm.sla import mtta_mttr
from aiops.itsm.stage import ActStage, build_act_stage
from aiops.itsm.tokens import LinkRefused
from aiops.model.itsm import Autonomy, ChangeState
from aiops.runtime import Runtime
from aiops.store.repos.incidents import IncidentFilter, IncidentRepo
from aiops.store.repos.itsm import SqlItsmRepo
from aiops.web.deps import RuntimeDep, SessionDep

router = APIRouter(tags=["changes"])


def change_service(request: Request, runtime: Runtime) -> ChangeService:
    """The act stage's service when one is registered, else one built for this app."""
    for stage in runtime.stages.stages:
        if isinstance(stage, ActStage):
            return stage.service
    cached: ChangeService | None = getattr(request.app.state, "change_service", None)
    if cached is None:
        built = build_act_stage(runtime, runtime.config.directory, repos=SqlItsmRepo)
        if built is None:
            raise NotFound("no runbooks configured (config directory has no runbooks/)")
        cached = request.app.state.change_service = built.service
    return cached


class ProposeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident_id: str | None = Field(default=None, max_length=40)
    runbook: str = Field(min_length=1, max_length=200)
    params: dict[str, Any] = Field(default_factory=dict)
    requested_by: str = Field(default="api", min_length=1, max_length=200)
    autonomy: Autonomy = Autonomy.approve
    rationale: str = Field(default="", max_length=4000)
    confidence: float | None = Field(default=None, ge=0, le=1)


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approver: str = Field(min_length=1, max_length=200)
    comment: str = Field(default="", max_length=2000)
    role: str | None = Field(default=None, max_length=100)


@router.get("/api/v1/change-requests", summary="List changes, newest first")
def list_changes(
    session: SessionDep,
    incident_id: str | None = None,
    state: Annotated[list[ChangeState] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    items = SqlItsmRepo(session).list_changes(
        incident_id=incident_id, states=[s.value for s in state or []], limit=limit
    )
    return {"items": [c.model_dump(mode="json") for c in items]}


@router.get(
    "/api/v1/change-requests/{change_id}", summary="One change with approvals and step output"
)
def get_change(change_id: str, session: SessionDep) -> dict[str, Any]:
    c = SqlItsmRepo(session).get_change(change_id)
    if c is None:
        raise NotFound(f"change {change_id!r} not found")
    return c.model_dump(mode="json")


@router.post(
    "/api/v1/change-requests", status_code=201, summary="Propose a change (routed by policy)"
)
def propose(body: ProposeBody, request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    svc = change_service(request, runtime)
    c = svc.propose_change(
        incident_id=body.incident_id,
        runbook=body.runbook,
        params=body.params,
        requested_by=body.requested_by,
        autonomy=body.autonomy,
        rationale=body.rationale,
        confidence=body.confidence,
        source="api",
    )
    return c.model_dump(mode="json")


def _decide(decision: str):  # type: ignore[no-untyped-def]
    def handler(
        change_id: str, body: DecisionBody, request: Request, runtime: RuntimeDep
    ) -> dict[str, Any]:
        c = change_service(request, runtime).decide(
            change_id,
            approver=body.approver,
            decision=decision,
            via="rest",
            comment=body.comment,
            role=body.role,
        )
        return c.model_dump(mode="json")

    return handler


router.add_api_route(
    "/api/v1/change-requests/{change_id}/approve",
    _decide("approve"),
    methods=["POST"],
    summary="Approve a change",
)
router.add_api_route(
    "/api/v1/change-requests/{change_id}/deny",
    _decide("deny"),
    methods=["POST"],
    summary="Deny a change",
)


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=500)


@router.post("/api/v1/change-requests/{change_id}/withdraw", summary="Withdraw a change")
def withdraw(
    change_id: str, body: WithdrawBody, request: Request, runtime: RuntimeDep
) -> dict[str, Any]:
    """Take back a change still waiting for approval (409 once anyone decided on it)."""
    c = change_service(request, runtime).withdraw(change_id, by=body.by, reason=body.reason)
    return c.model_dump(mode="json")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<main style='font:16px system-ui;max-width:40em;margin:3em auto'>"
        f"<h1>{html.escape(title)}</h1>{body}</main>",
        status_code=status,
    )


@router.get("/approve/{token}", include_in_schema=False)
def link_page(token: str) -> HTMLResponse:
    return _page(
        "Approval / 承認",
        "<p>Confirm your decision on this change. "
        "変更への判断を確定してください。</p><form method=post>"
        "<button type=submit>Confirm / 確定</button></form>",
    )


@router.post("/approve/{token}", include_in_schema=False)
def link_apply(token: str, request: Request, runtime: RuntimeDep) -> HTMLResponse:
    try:
        c = change_service(request, runtime).decide_by_link(token)
    except LinkRefused as exc:
        return _page(
            "Link refused / リンクは無効です",
            f"<p>{html.escape(str(exc))}</p><p><code>{exc.code}</code></p>",
            exc.status,
        )
    except AiopsError as exc:
        return _page("Not applied / 適用できません", f"<p>{html.escape(str(exc))}</p>", exc.status)
    return _page(
        f"Change {c.id}: {c.state.value}",
        f"<p>{html.escape(c.runbook)} — {html.escape(c.state.value)}</p>",
    )


@router.get("/api/v1/problems", summary="Problems and known errors")
def list_problems(session: SessionDep) -> dict[str, Any]:
    return {"items": [p.model_dump(mode="json") for p in SqlItsmRepo(session).list_problems()]}


@router.get("/api/v1/sla", summary="MTTA / MTTR over incidents opened since a time")
def sla_summary(
    session: SessionDep, since: datetime | None = None, service: str | None = None
) -> dict[str, Any]:
    items, _ = IncidentRepo(session).list(
        IncidentFilter(since=since, service=service, limit=10_000)
    )
    repo = SqlItsmRepo(session)
    clocks = [c for c in (repo.get_clock(i.id) for i in items) if c is not None]
    breached = sum(
        c.response_state.value == "breached" or c.resolve_state.value == "breached" for c in clocks
    )
    return {**mtta_mttr(items), "breached": breached, "clocks": len(clocks)}


@router.get("/api/v1/notifications", summary="The notification outbox (state=dead: dead letters)")
def list_notifications(
    session: SessionDep, state: Annotated[list[str] | None, Query()] = None
) -> dict[str, Any]:
    items = SqlItsmRepo(session).list_notifications(states=state or [])
    return {"items": [n.model_dump(mode="json") for n in items]}
