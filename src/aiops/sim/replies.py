"""The one JSON error body, as the platform's API renders it (style guide §4)."""

from __future__ import annotations

from starlette.responses import JSONResponse

from aiops.errors import AiopsError


def error_reply(exc: AiopsError) -> JSONResponse:
    return JSONResponse(
        {
            "ok": False,
            "status": exc.status,
            "code": exc.code,
            "message": exc.message,
            "errors": [e.as_dict() for e in exc.errors],
        },
        status_code=exc.status,
    )


__all__ = ["error_reply"]
