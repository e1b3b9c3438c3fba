"""`create_app(settings)`: the FastAPI application. Nothing is built at import time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

import aiops
from aiops.config import Settings
from aiops.runtime import Runtime
from aiops.web import errors
from aiops.web.api import audit, incidents
from aiops.web.api import change_records as change_records_api
from aiops.web.api import changes as changes_api
from aiops.web.api import cmdb as cmdb_api
from aiops.web.api import decisions as decisions_api
from aiops.web.api import human as human_api
from aiops.web.ingest import routes as ingest
from aiops.web.site import install as install_site


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    background: Sequence[Callable[[], Awaitable[None]]] = (),
) -> FastAPI:
    """The app. `background` coroutines (e.g. the worker) run while the app serves."""
    settings = settings or Settings()
    rt = runtime if runtime is not None else Runtime(settings)
    own_runtime = runtime is None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(fn()) for fn in background]
        try:
            yield
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await rt.aclose()
            if own_runtime:
                rt.close()

    app = FastAPI(
        title="aiops-custom-agent",
        version=aiops.__version__,
        description="Ingest, incidents, audit. Errors share one body: "
        '`{"ok": false, "status", "code", "message", "errors": [{"loc", "msg", "type"}]}`.',
        lifespan=lifespan,
    )
    app.state.runtime = rt
    errors.install(app)
    app.include_router(ingest.router)
    app.include_router(incidents.router)
    app.include_router(audit.router)
    app.include_router(changes_api.router)
    app.include_router(cmdb_api.router)
    app.include_router(change_records_api.router)
    app.include_router(decisions_api.router)
    app.include_router(human_api.router)
    install_site(app)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, Any]:
        return {"ok": True, "version": aiops.__version__}

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(rt.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app
