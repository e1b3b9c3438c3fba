"""Sulu's control API: the operator plane, kept out of the access log and the metrics
so that the platform under test learns about a fault only from its symptoms.

    GET    /control/faults          active faults and the catalogue
    POST   /control/faults/{name}   {"on": true|false, "params": {...}, "restore": false}
    DELETE /control/faults          switch every fault off
    GET    /control/changes         recorded deploys and config changes
    POST   /control/breaker         {"open": true|false}: the external API's circuit breaker
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aiops.errors import AiopsError, TooLarge
from aiops.sim.faults import parse_breaker, parse_switch_request
from aiops.sim.injector import Injector
from aiops.sim.replies import error_reply

MAX_BODY_BYTES = 16 * 1024


def _injector(request: Request) -> Injector:
    injector: Injector = request.app.state.injector
    return injector


async def list_faults(request: Request) -> JSONResponse:
    sulu = _injector(request).sulu
    return JSONResponse({**sulu.board.as_dict(), "breaker_open": sulu.breaker.open})


async def switch_breaker(request: Request) -> JSONResponse:
    try:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise TooLarge(f"body over {MAX_BODY_BYTES} bytes")
        want = parse_breaker(body)
    except AiopsError as exc:
        return error_reply(exc)
    breaker = _injector(request).sulu.breaker
    changed = (
        breaker.force_open("forced by an operator") if want else breaker.close("by an operator")
    )
    return JSONResponse({"ok": True, "open": breaker.open, "changed": changed})


async def switch_fault(request: Request) -> JSONResponse:
    name = request.path_params["name"]
    try:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise TooLarge(f"body over {MAX_BODY_BYTES} bytes")
        on, params, restore = parse_switch_request(name, body)
        result = await _injector(request).switch(name, on, params, restore=restore)
    except AiopsError as exc:
        return error_reply(exc)
    return JSONResponse({"ok": True, **result})


async def clear_faults(request: Request) -> JSONResponse:
    names = await _injector(request).all_off()
    return JSONResponse({"ok": True, "switched_off": names})


async def list_changes(request: Request) -> JSONResponse:
    changes = _injector(request).sulu.changes
    return JSONResponse({"changes": [c.as_dict() for c in changes]})


ROUTES = [
    Route("/control/faults", list_faults, methods=["GET"]),
    Route("/control/faults", clear_faults, methods=["DELETE"]),
    Route("/control/faults/{name}", switch_fault, methods=["POST"]),
    Route("/control/changes", list_changes, methods=["GET"]),
    Route("/control/breaker", switch_breaker, methods=["POST"]),
]

__all__ = ["ROUTES"]
