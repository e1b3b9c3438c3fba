"""What every push endpoint shares: bearer auth, the bounded body, rejection counting."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from fastapi import Request

from aiops.errors import AiopsError, ErrorDetail, TooLarge, Unauthorized
from aiops.normalize.body import parse_json_body
from aiops.runtime import Runtime

log = structlog.get_logger("aiops.ingest")
T = TypeVar("T")


def check_token(request: Request, runtime: Runtime, source: str) -> None:
    accepted = runtime.ingest_token(source)
    if not accepted:
        return  # no token configured for this source: open (local demo)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(f"{source}: missing bearer token", code="missing_token")
    if not any(hmac.compare_digest(token.strip(), t) for t in accepted):
        raise Unauthorized(f"{source}: wrong bearer token", code="wrong_token")


async def read_body(request: Request, max_bytes: int) -> bytes:
    """Read at most `max_bytes`; refuse early (413) instead of buffering a huge body."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(int(declared), max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> TooLarge:
    return TooLarge(
        "request body too large",
        [ErrorDetail(("body",), f"body is over {limit} bytes (at least {size})", "too_large")],
        code="body_too_large",
    )


async def accept(
    request: Request, runtime: Runtime, source: str, translate: Callable[[Any], T]
) -> T:
    """Auth, read, parse JSON and translate; count and re-raise any rejection."""
    try:
        check_token(request, runtime, source)
        body = await read_body(request, runtime.config.ingest.max_body_bytes)
        data = parse_json_body(body, max_bytes=runtime.config.ingest.max_body_bytes)
        return translate(data)
    except AiopsError as exc:
        reject(runtime, source, exc)
        raise


def reject(runtime: Runtime, source: str, exc: AiopsError) -> None:
    runtime.metrics.ingest_rejected.labels(source=source, reason=exc.code).inc()
    log.warning("ingest.rejected", source=source, code=exc.code, status=exc.status,
                reason=str(exc)[:300])
