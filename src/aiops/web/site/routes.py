"""The control site's pages: the dashboard and the incident page, plus the dashboard's JSON.

Pages are rendered on the server with autoescaping on; the scripts only refresh numbers
and lists (always through `textContent`), so untrusted text never becomes markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

import aiops
from aiops.correlate.lifecycle import ALLOWED
from aiops.model import Incident, IncidentState
from aiops.runtime import Runtime
from aiops.store.repos.decisions import DecisionRepo
from aiops.store.repos.incidents import IncidentFilter, IncidentRepo
from aiops.store.repos.itsm import SqlItsmRepo
from aiops.web.deps import RuntimeDep, SessionDep
from aiops.web.site import views
from aiops.web.site.health import service_health
from aiops.web.site.strings import DEFAULT_LANG, strings, t

TEMPLATES = Path(__file__).parent / "templates"
OPEN_STATES = (IncidentState.open, IncidentState.acknowledged, IncidentState.mitigated)
MAX_LISTED = 200

router = APIRouter(tags=["site"])


def _json_island(value: object) -> Markup:
    """JSON safe inside <script type="application/json">: no `<`, `>` or `&` to end it early."""
    text = json.dumps(value, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return Markup(text)  # noqa: S704 - escaped above for the script context


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),
    )
    env.globals.update(
        t=t,
        lang=DEFAULT_LANG,
        version=aiops.__version__,
        strings_json=_json_island(strings(DEFAULT_LANG)),
    )
    env.filters.update(when=views.when, age=views.age, clock=views.clock)
    return Jinja2Templates(env=env)


templates = _templates()


def _open_incidents(session: Session) -> list[Incident]:
    items, _ = IncidentRepo(session).list(
        IncidentFilter(state=[s.value for s in OPEN_STATES], limit=MAX_LISTED)
    )
    return sorted(items, key=lambda i: (i.priority, -i.opened_at.timestamp()))


def _incident_row(i: Incident, runtime: Runtime) -> dict[str, Any]:
    return {
        "id": i.id,
        "priority": i.priority,
        "state": i.state.value,
        "service": i.service,
        "title": i.title,
        "severity": i.severity.value,
        "alert_count": i.alert_count,
        "opened_at": i.opened_at.isoformat(),
        "age": views.age((runtime.clock() - i.opened_at).total_seconds()),
    }


def dashboard_data(session: Session, runtime: Runtime) -> dict[str, Any]:
    incidents = _open_incidents(session)
    return {
        "now": runtime.clock().isoformat(),
        "services": [s.as_dict() for s in service_health(runtime.config.cmdb, incidents)],
        "incidents": [_incident_row(i, runtime) for i in incidents],
    }


@router.get("/api/v1/dashboard", summary="Service health and open incidents, for the dashboard")
def dashboard_json(session: SessionDep, runtime: RuntimeDep) -> dict[str, Any]:
    return dashboard_data(session, runtime)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    return templates.TemplateResponse(request, "dashboard.html", dashboard_data(session, runtime))


@router.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
def incident_page(
    incident_id: str, request: Request, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse:
    repo = IncidentRepo(session)
    inc = repo.get(incident_id)
    if inc is None:
        return templates.TemplateResponse(
            request,
            "not_found.html",
            {"message": t("incident_not_found", id=incident_id)},
            status_code=404,
        )
    alerts = repo.alerts(incident_id)
    events = repo.events(inc, alerts)
    candidates, summary = views.diagnosis(inc.diagnosis)
    ctx = {
        "incident": inc,
        "age": views.age((runtime.clock() - inc.opened_at).total_seconds()),
        "alerts": alerts,
        "timeline": views.timeline(repo.timeline(incident_id), alerts, events),
        "logs": views.log_excerpts(events),
        "candidates": candidates,
        "diagnosis_summary": summary,
        "diagnosed": inc.diagnosis is not None,
        **views.graph_context(session, runtime.topology, inc, alerts),
        "decisions": DecisionRepo(session).for_incident(incident_id),
        "change_requests": SqlItsmRepo(session).list_changes(incident_id=incident_id),
        "allowed": sorted(s.value for s in ALLOWED[inc.state]),
    }
    return templates.TemplateResponse(request, "incident.html", ctx)
