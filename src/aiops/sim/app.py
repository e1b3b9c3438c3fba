"""Sulu's ASGI app: a small content site and API over SQLite, instrumented.

GET  /                      HTML front page (latest articles)
GET  /api/articles          list (?limit=&offset=), cached per page
GET  /api/articles/{id}     one article + related ids from the external API
POST /api/articles          create {"title", "body", "author"}
GET  /api/search?q=         title/body search
GET  /healthz               200 when the DB answers within 1 s, else 503
GET  /metrics               Prometheus text format
/control/...                fault control (see `aiops.sim.control`)
"""

from __future__ import annotations

import html
import json
import sqlite3
import time
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aiops.errors import AiopsError, ErrorDetail, InvalidInput, NotFound, Unparsable
from aiops.sim import articles, control
from aiops.sim.injector import Injector
from aiops.sim.pool import PoolTimeout
from aiops.sim.replies import error_reply
from aiops.sim.service import InjectedBug, Sulu, SuluSettings, UpstreamTimeout

_QUIET_PREFIXES = ("/metrics", "/control")  # operator plane: not logged, not counted


class NewArticle(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    author: str = Field(min_length=1, max_length=64)


def _sulu(request: Request) -> Sulu:
    sulu: Sulu = request.app.state.sulu
    return sulu


def _int_arg(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise InvalidInput(
            f"{name} must be an integer in [{low}, {high}]",
            [ErrorDetail(("query", name), f"must be an integer in [{low}, {high}]", "range")],
        )
    return value


async def _cached(sulu: Sulu, key: str, load: Callable[[], Any]) -> Any:
    now = time.monotonic()
    hit = sulu.cache.get(key, now=now)
    sulu.metrics.cache_requests.labels("hit" if hit is not None else "miss").inc()
    if hit is not None:
        return hit
    value = await load()
    sulu.cache.put(key, value, now=now)
    return value


async def home(request: Request) -> HTMLResponse:
    sulu = _sulu(request)
    sulu.maybe_bad_deploy("GET", "/")
    rows = await _cached(sulu, "home", lambda: sulu.query(articles.list_articles, 20, 0))
    items = "".join(
        f'<li><a href="/api/articles/{r["id"]}">{html.escape(r["title"])}</a></li>' for r in rows
    )
    return HTMLResponse(f"<!doctype html><title>sulu</title><h1>sulu</h1><ul>{items}</ul>")


async def list_articles(request: Request) -> JSONResponse:
    sulu = _sulu(request)
    limit = _int_arg(request, "limit", 20, 1, 100)
    offset = _int_arg(request, "offset", 0, 0, 1_000_000)
    sulu.maybe_bad_deploy("GET", "/api/articles")
    rows = await _cached(
        sulu, f"list:{limit}:{offset}", lambda: sulu.query(articles.list_articles, limit, offset)
    )
    return JSONResponse({"items": rows, "limit": limit, "offset": offset})


async def get_article(request: Request) -> JSONResponse:
    sulu = _sulu(request)
    article_id: int = request.path_params["id"]
    sulu.maybe_bad_deploy("GET", "/api/articles/{id}")
    row = await _cached(
        sulu, f"article:{article_id}", lambda: sulu.query(articles.get_article, article_id)
    )
    if row is None:
        raise NotFound(f"article {article_id} not found")
    related = await sulu.recommendations(article_id)
    return JSONResponse({**row, "related": related})


async def create_article(request: Request) -> JSONResponse:
    sulu = _sulu(request)
    try:
        doc = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unparsable(f"body is not JSON: {exc}") from None
    try:
        new = NewArticle.model_validate(doc)
    except ValidationError as exc:
        details = [ErrorDetail(("body", *e["loc"]), e["msg"], e["type"]) for e in exc.errors()]
        raise InvalidInput("invalid article", details) from None
    sulu.maybe_bad_deploy("POST", "/api/articles")
    new_id = await sulu.query(articles.create_article, new.title, new.body, new.author)
    sulu.log.info("sulu.app", "article created", article_id=new_id, author=new.author)
    return JSONResponse({"id": new_id}, status_code=201)


async def search(request: Request) -> JSONResponse:
    sulu = _sulu(request)
    q = request.query_params.get("q", "").strip()
    if not 1 <= len(q) <= 100:
        raise InvalidInput(
            "q must be 1 to 100 characters",
            [ErrorDetail(("query", "q"), "must be 1 to 100 characters", "string_length")],
        )
    sulu.maybe_bad_deploy("GET", "/api/search")
    rows = await _cached(sulu, f"search:{q}", lambda: sulu.query(articles.search, q))
    return JSONResponse({"q": q, "items": rows})


async def healthz(request: Request) -> JSONResponse:
    sulu = _sulu(request)
    try:
        await sulu.query(articles.ping, timeout_s=1.0)
    except (PoolTimeout, sqlite3.Error) as exc:
        return JSONResponse({"status": "fail", "reason": str(exc)}, status_code=503)
    return JSONResponse(
        {"status": "ok", "instance": sulu.settings.instance, "version": sulu.version}
    )


async def metrics(request: Request) -> Response:
    return Response(
        generate_latest(_sulu(request).metrics.registry), media_type=CONTENT_TYPE_LATEST
    )


def _failure(status: int, logger: str) -> Callable[[Request, Exception], Any]:
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        sulu = _sulu(request)
        text = f"{type(exc).__name__}: {exc}" if isinstance(exc, sqlite3.Error) else str(exc)
        if isinstance(exc, InjectedBug):
            text = f"unhandled exception in {request.method} {request.url.path}: {exc}"
        sulu.log.error(logger, text, method=request.method, path=request.url.path, status=status)
        return JSONResponse({"ok": False, "status": status, "message": text}, status_code=status)

    return handler


async def _unhandled(request: Request, exc: Exception) -> Response:
    # Starlette re-raises after this, so uvicorn also prints the traceback to stderr.
    tb = "".join(traceback.format_exception(exc)[-3:])
    _sulu(request).log.error(
        "sulu.app",
        f"unhandled exception in {request.method} {request.url.path}: {type(exc).__name__}: {exc}",
        traceback=tb,
    )
    return JSONResponse({"ok": False, "status": 500, "message": "internal error"}, status_code=500)


async def _aiops_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AiopsError)
    return error_reply(exc)


class Instrument:
    """Pure ASGI middleware: latency, counts, in-flight and one access-log line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(_QUIET_PREFIXES):
            await self.app(scope, receive, send)
            return
        sulu: Sulu = scope["app"].state.sulu
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        start = time.perf_counter()
        sulu.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            took = time.perf_counter() - start
            sulu.metrics.in_flight.dec()
            route = getattr(scope.get("route"), "path", "<unmatched>")
            method = scope.get("method", "GET")
            m = sulu.metrics
            m.requests.labels(method, route, str(status)).inc()
            m.latency.labels(method, route).observe(took)
            if status >= 400:
                m.errors.labels(route, str(status)).inc()
            level = "error" if status >= 500 else "warning" if status >= 400 else "info"
            sulu.log.log(
                level,
                "sulu.access",
                f"{method} {path} {status}",
                method=method,
                path=path,
                route=route,
                status=status,
                duration_ms=round(took * 1000, 1),
                client=(scope.get("client") or ("-",))[0],
            )


def create_app(
    settings: SuluSettings, request_shutdown: Callable[[], None] | None = None
) -> Starlette:
    sulu = Sulu(settings, request_shutdown)
    injector = Injector(sulu)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await sulu.start()
        try:
            yield
        finally:
            injector.close()
            await sulu.stop()

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/api/articles", list_articles, methods=["GET"]),
            Route("/api/articles", create_article, methods=["POST"]),
            Route("/api/articles/{id:int}", get_article),
            Route("/api/search", search),
            Route("/healthz", healthz),
            Route("/metrics", metrics),
            *control.ROUTES,
        ],
        lifespan=lifespan,
        exception_handlers={
            AiopsError: _aiops_error,
            PoolTimeout: _failure(503, "sulu.db"),
            UpstreamTimeout: _failure(504, "sulu.upstream"),
            InjectedBug: _failure(500, "sulu.app"),
            sqlite3.Error: _failure(500, "sulu.db"),
            Exception: _unhandled,
        },
    )
    app.state.sulu = sulu
    app.state.injector = injector
    app.add_middleware(Instrument)
    return app


__all__ = ["create_app"]
