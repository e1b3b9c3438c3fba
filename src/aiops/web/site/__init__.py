"""The control site: server-rendered pages for service managers, their static files, chart JSON.

routes.py    the pages (dashboard, incident) and the dashboard's JSON
charts.py    request rate, error ratio, p95 ... derived from the in-memory series
health.py    service / CI health from the active incidents
views.py     page shaping: merged timeline, log excerpts, diagnosis candidates
strings.py   every UI word, by language
templates/   Jinja2 (autoescaped)   static/   CSS, JS, vendor/uplot (MIT, as published)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from aiops.web.api import series
from aiops.web.site import routes
from aiops.web.site.charts import DEFAULT_CHARTS, ChartSpec

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, *, charts: Sequence[ChartSpec] = DEFAULT_CHARTS) -> None:
    """Add the pages, the series/marks API and `/static` to `app`; `charts` picks the charts."""
    app.state.site_charts = tuple(charts)
    app.include_router(series.router)
    app.include_router(routes.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


__all__ = ["ChartSpec", "DEFAULT_CHARTS", "install"]
