"""One error body for every failure:
`{"ok": false, "status": 422, "code": "...", "message": "...", "errors": [{"loc", "msg", "type"}]}`.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aiops.errors import AiopsError

log = structlog.get_logger("aiops.web")


def error_body(status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"ok": False, "status": status, "code": code, "message": message, "errors": errors or []}


def error_response(exc: AiopsError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(
        error_body(exc.status, exc.code, exc.message, [e.as_dict() for e in exc.errors]),
        status_code=exc.status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(AiopsError)
    async def _aiops(_: Request, exc: AiopsError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse(error_body(422, "invalid_request", "request is invalid", errors), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            error_body(exc.status_code, code, str(exc.detail)), status_code=exc.status_code
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("web.unhandled", path=request.url.path, error=repr(exc), exc_info=exc)
        return JSONResponse(error_body(500, "internal", "internal error; see the server log"), 500)
