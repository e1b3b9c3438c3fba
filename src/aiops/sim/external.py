"""The "external API" sulu depends on: a recommendations service in its own process.

    GET  /v1/recommendations?article_id=N   {"ids": [...]} after 5-30 ms
    POST /control/hang {"on": bool, "hang_s": s}   make every call hang (dependency-timeout)
    GET  /healthz, GET /metrics

`python -m aiops.sim.external --port P`. A hang is bounded by `hang_s` (at most 120 s).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aiops.sim.process import base_args, serve

MAX_HANG_S = 120.0


def create_app(request_shutdown: Callable[[], None] | None = None) -> Starlette:
    registry = CollectorRegistry()
    calls = Counter("external_requests", "Recommendation calls", ["outcome"], registry=registry)
    state: dict[str, float] = {"hang_s": 0.0}
    rng = random.Random(7)

    async def recommendations(request: Request) -> JSONResponse:
        try:
            article_id = int(request.query_params["article_id"])
        except (KeyError, ValueError):
            calls.labels("bad_request").inc()
            return JSONResponse({"error": "article_id must be an integer"}, status_code=400)
        if state["hang_s"] > 0:
            calls.labels("hung").inc()
            await asyncio.sleep(state["hang_s"])
        else:
            await asyncio.sleep(rng.uniform(0.005, 0.03))
        calls.labels("ok").inc()
        ids = [(article_id * k) % 200 + 1 for k in (7, 13, 29)]
        return JSONResponse({"ids": ids})

    async def hang(request: Request) -> JSONResponse:
        try:
            doc = json.loads(await request.body())
            on = doc["on"]
            hang_s = float(doc.get("hang_s", 30.0))
            if not isinstance(on, bool) or not math.isfinite(hang_s) or hang_s <= 0:
                raise ValueError("on must be a boolean and hang_s a positive number")
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"ok": False, "message": f"bad request: {exc}"}, status_code=400)
        state["hang_s"] = min(hang_s, MAX_HANG_S) if on else 0.0
        return JSONResponse({"ok": True, "hang_s": state["hang_s"]})

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "time": time.time()})

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return Starlette(
        routes=[
            Route("/v1/recommendations", recommendations),
            Route("/control/hang", hang, methods=["POST"]),
            Route("/healthz", healthz),
            Route("/metrics", metrics),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    a = base_args("the external recommendations API sulu calls").parse_args(argv)
    serve(create_app, a.port, a.parent_pid)


if __name__ == "__main__":
    main()
