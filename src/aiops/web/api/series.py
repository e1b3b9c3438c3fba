"""JSON for the charts: raw series and their points, derived charts, and alert/signal marks."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from aiops.errors import NotFound
from aiops.store.repos.marks import MAX_MARKS, list_marks
from aiops.web.deps import RuntimeDep, SessionDep
from aiops.web.site.charts import DEFAULT_CHARTS, ChartSpec, charts

router = APIRouter(prefix="/api/v1", tags=["series"])

CHART_WINDOW = timedelta(minutes=15)
MARKS_WINDOW = timedelta(hours=1)


def _utc(at: datetime | None) -> datetime | None:
    """A `since` without a zone is read as UTC, as everywhere in the API."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None  # JSON has no NaN


@router.get("/series", summary="Metric series held in memory for the charts")
def list_series(
    runtime: RuntimeDep, name: str | None = None, service: str | None = None
) -> dict[str, Any]:
    items = sorted(runtime.series.series(name=name, service=service), key=lambda i: i.key)
    return {
        "items": [
            {
                "key": i.key,
                "name": i.name,
                "labels": dict(i.labels),
                "service": i.service,
                "ci": i.ci,
            }
            for i in items
        ]
    }


@router.get("/series/points", summary="Points of one series, as [epoch seconds, value]")
def series_points(
    runtime: RuntimeDep,
    key: Annotated[str, Query(min_length=1, max_length=2000)],
    since: datetime | None = None,
) -> dict[str, Any]:
    info = next((i for i in runtime.series.series() if i.key == key), None)
    if info is None:
        raise NotFound(f"series {key!r} not found (GET /api/v1/series lists them)")
    pts = runtime.series.points(key, since=_utc(since))
    return {
        "key": info.key,
        "name": info.name,
        "labels": dict(info.labels),
        "service": info.service,
        "ci": info.ci,
        "points": [[t, _finite(v)] for t, v in pts],
    }


@router.get("/charts", summary="The dashboard's charts, derived (rates, ratios, p95) from series")
def get_charts(
    request: Request, runtime: RuntimeDep, since: datetime | None = None
) -> dict[str, Any]:
    specs: tuple[ChartSpec, ...] = getattr(request.app.state, "site_charts", DEFAULT_CHARTS)
    start = _utc(since) or runtime.clock() - CHART_WINDOW
    out = charts(runtime.series, specs, since=start.timestamp())
    return {"since": start.isoformat(), "items": [c.as_dict() for c in out]}


@router.get("/marks", summary="Alert first-seen/resolved and signal times, for chart markers")
def get_marks(
    session: SessionDep,
    runtime: RuntimeDep,
    service: str | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_MARKS)] = MAX_MARKS,
) -> dict[str, Any]:
    start = _utc(since) or runtime.clock() - MARKS_WINDOW
    marks = list_marks(session, service=service, since=start, limit=limit)
    return {"since": start.isoformat(), "items": [m.as_dict() for m in marks]}
