"""The front door: a round-robin HTTP proxy over the sulu instances.

`python -m aiops.sim.balancer --port P --backends-file F`. The supervisor rewrites F
(a JSON list of base URLs) when it scales, stops or starts instances; the balancer
rereads it when its mtime changes, so the front URL stays the same throughout.

- Each request goes to the next backend; a backend that refuses the connection is
  skipped (the request never reached it, so retrying is safe) and benched for 2 s.
- No backend left: 502 `no healthy upstream`, as a real load balancer answers.
- `POST|DELETE /control/...` goes to every backend, so a fault switched through the
  front reaches all instances; the first failure (or else the first reply) is returned.
- `GET /-/lb/backends` lists the backends.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aiops.sim.process import base_args, serve

_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "upgrade",
    "host",
    "content-length",
    "content-encoding",
    "proxy-connection",
    "trailer",
}
BENCH_S = 2.0


class Backends:
    """The backend list from the file, round robin, with a short bench for dead ones."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.urls: list[str] = []
        self._mtime = -1.0
        self._checked = 0.0
        self._next = 0
        self._benched: dict[str, float] = {}

    def refresh(self, now: float) -> None:
        if now - self._checked < 0.2:
            return
        self._checked = now
        try:
            mtime = self.path.stat().st_mtime
            if mtime != self._mtime:
                urls = json.loads(self.path.read_text())
                self.urls = [str(u).rstrip("/") for u in urls]
                self._mtime = mtime
                self._benched.clear()
        except (OSError, ValueError):
            pass  # keep the last good list while the file is being replaced

    def order(self, now: float) -> list[str]:
        self.refresh(now)
        if not self.urls:
            return []
        start = self._next % len(self.urls)
        self._next += 1
        ring = self.urls[start:] + self.urls[:start]
        live = [u for u in ring if self._benched.get(u, 0.0) <= now]
        return live or ring

    def bench(self, url: str, now: float) -> None:
        self._benched[url] = now + BENCH_S


def create_app(backends_file: Path) -> Starlette:
    backends = Backends(backends_file)
    holder: dict[str, httpx.AsyncClient] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        holder["c"] = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=1.0))
        try:
            yield
        finally:
            await holder["c"].aclose()

    async def forward(url: str, request: Request, body: bytes) -> httpx.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        headers["x-forwarded-for"] = request.client.host if request.client else "-"
        target = url + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return await holder["c"].request(request.method, target, headers=headers, content=body)

    def reply(resp: httpx.Response) -> Response:
        headers = {k: v for k, v in resp.headers.items() if k.lower() not in _HOP}
        return Response(resp.content, status_code=resp.status_code, headers=headers)

    async def proxy(request: Request) -> Response:
        body = await request.body()
        if request.url.path.startswith("/control/") and request.method in ("POST", "DELETE"):
            return await broadcast(request, body)
        for url in backends.order(time.monotonic()):
            try:
                return reply(await forward(url, request, body))
            except httpx.ConnectError:
                backends.bench(url, time.monotonic())
            except httpx.TimeoutException:
                return JSONResponse({"message": f"upstream {url} timed out"}, status_code=504)
        return JSONResponse({"message": "no healthy upstream"}, status_code=502)

    async def broadcast(request: Request, body: bytes) -> Response:
        backends.refresh(time.monotonic())
        urls = list(backends.urls)
        if not urls:
            return JSONResponse({"message": "no healthy upstream"}, status_code=502)
        results = await asyncio.gather(
            *(forward(u, request, body) for u in urls), return_exceptions=True
        )
        for url, res in zip(urls, results, strict=True):
            if isinstance(res, BaseException):
                return JSONResponse({"message": f"upstream {url}: {res!r}"}, status_code=502)
            if res.status_code >= 400:
                return reply(res)
        first = results[0]
        assert isinstance(first, httpx.Response)
        return reply(first)

    async def list_backends(request: Request) -> JSONResponse:
        backends.refresh(time.monotonic())
        return JSONResponse({"backends": backends.urls})

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(
        routes=[
            Route("/-/lb/backends", list_backends),
            Route("/{path:path}", proxy, methods=methods),
        ],
        lifespan=lifespan,
    )


def main(argv: list[str] | None = None) -> None:
    parser = base_args("round-robin front for the sulu instances")
    parser.add_argument("--backends-file", type=Path, required=True)
    a = parser.parse_args(argv)
    make: Callable[[Callable[[], None]], Starlette] = lambda stop: create_app(a.backends_file)  # noqa: E731
    serve(make, a.port, a.parent_pid)


if __name__ == "__main__":
    main()
