"""The supervisor over HTTP, for `aiops sim ...` in another terminal and for the demo.

GET  /sim/status
POST /sim/start | /sim/stop | /sim/restart
POST /sim/scale {"instances": n}
POST /sim/breaker {"open": bool}   the external API's circuit breaker on every instance
GET  /control/faults, POST /control/faults/{name}, DELETE /control/faults,
GET  /control/changes       -- the same paths and bodies as sulu's control API,
                               so `aiops sim fault --url` works against either;
                               here `stop` is done by process control.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aiops.errors import AiopsError, ErrorDetail, InvalidInput, Unparsable
from aiops.sim.faults import parse_breaker, parse_switch
from aiops.sim.replies import error_reply
from aiops.sim.supervisor import Supervisor

Handler = Callable[[Request], Awaitable[JSONResponse]]


def _guard(fn: Callable[[Request], Awaitable[Any]]) -> Handler:
    async def handler(request: Request) -> JSONResponse:
        try:
            return JSONResponse(await fn(request))
        except AiopsError as exc:
            return error_reply(exc)

    return handler


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        doc = json.loads(await request.body() or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unparsable(f"body is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidInput("body must be a JSON object", [ErrorDetail(("body",), "not an object")])
    return doc


def create_app(sup: Supervisor) -> Starlette:
    async def status(request: Request) -> Any:
        return sup.status()

    async def start(request: Request) -> Any:
        return await run_in_threadpool(sup.start)

    async def stop(request: Request) -> Any:
        return await run_in_threadpool(sup.stop)

    async def restart(request: Request) -> Any:
        return await run_in_threadpool(sup.restart)

    async def scale(request: Request) -> Any:
        doc = await _json_object(request)
        instances: Any = doc.get("instances")  # scale() validates and explains
        return await run_in_threadpool(sup.scale, instances)

    async def breaker(request: Request) -> Any:
        want = parse_breaker(await request.body())
        return await run_in_threadpool(sup.breaker, want)

    async def faults(request: Request) -> Any:
        return await run_in_threadpool(sup.faults)

    async def switch(request: Request) -> Any:
        name = request.path_params["name"]
        on, params = parse_switch(name, await request.body())
        return await run_in_threadpool(sup.fault, name, on, params)

    async def clear(request: Request) -> Any:
        active = [f["name"] for f in (await run_in_threadpool(sup.faults))["active"]]
        for name in active:
            await run_in_threadpool(sup.fault, name, False, None)
        return {"ok": True, "switched_off": active}

    async def changes(request: Request) -> Any:
        return await run_in_threadpool(sup.changes)

    return Starlette(
        routes=[
            Route("/sim/status", _guard(status)),
            Route("/sim/start", _guard(start), methods=["POST"]),
            Route("/sim/stop", _guard(stop), methods=["POST"]),
            Route("/sim/restart", _guard(restart), methods=["POST"]),
            Route("/sim/scale", _guard(scale), methods=["POST"]),
            Route("/sim/breaker", _guard(breaker), methods=["POST"]),
            Route("/control/faults", _guard(faults), methods=["GET"]),
            Route("/control/faults", _guard(clear), methods=["DELETE"]),
            Route("/control/faults/{name}", _guard(switch), methods=["POST"]),
            Route("/control/changes", _guard(changes), methods=["GET"]),
        ]
    )


__all__ = ["create_app"]
