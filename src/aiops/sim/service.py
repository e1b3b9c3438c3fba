"""Sulu's runtime: settings, and the state one process holds while it serves.

`Sulu` owns the DB pool, the cache, the client for the external API, the log, the
metrics and the fault board; endpoints call `query()` and `recommendations()` and the
faults act inside them (slow queries, scans, hanging upstream, full disk).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from aiops.sim import articles
from aiops.sim.breaker import Breaker
from aiops.sim.cache import TtlCache
from aiops.sim.changelog import ChangeLog
from aiops.sim.faults import ChangeRecord, FaultBoard
from aiops.sim.jsonlog import JsonLog
from aiops.sim.metrics import SuluMetrics, make_metrics
from aiops.sim.pool import ConnectionPool, PoolTimeout

T = TypeVar("T")

SLOW_QUERY_S = 0.2  # queries slower than this are logged, as a slow-query log would


class UpstreamTimeout(Exception):
    """The external API did not answer in time."""


class InjectedBug(Exception):
    """The exception the bad deploy raises (error-burst)."""


@dataclass
class SuluSettings:
    data_dir: Path
    external_url: str
    port: int = 0
    instance: str = "sulu-0"
    pool_size: int = 4
    pool_timeout_s: float = 3.0
    external_timeout_s: float = 2.0
    cache_ttl_s: float = 30.0
    version: str = "1.4.2"
    bad_version: str = "1.5.0"
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"{self.instance}.log"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "sulu.db"


class Sulu:
    def __init__(
        self, settings: SuluSettings, request_shutdown: Callable[[], None] | None = None
    ) -> None:
        self.settings = settings
        self.request_shutdown = request_shutdown
        self.metrics: SuluMetrics = make_metrics()
        self.log = JsonLog(
            settings.log_path,
            static={"instance": settings.instance},
            on_error=self.metrics.log_write_errors.inc,
        )
        self.pool = ConnectionPool(
            lambda: articles.connect(settings.db_path),
            size=settings.pool_size,
            timeout_s=settings.pool_timeout_s,
        )
        self.cache = TtlCache(ttl_s=settings.cache_ttl_s)
        self.board = FaultBoard()
        self.change_log = ChangeLog(settings.data_dir / "changes.jsonl", self.now)
        self.version = settings.version
        self.rng = random.Random(settings.seed)
        self.http: httpx.AsyncClient | None = None
        self.query_scan_s = 0.0  # set by config-change: each query scans the table
        # forced open by an operator while the vendor hangs; closes when it answers again
        self.breaker = Breaker(self._vendor_answers, self._breaker_changed)
        self._started = time.monotonic()
        self._bg: list[asyncio.Task[None]] = []
        self._wire_gauges()

    def _wire_gauges(self) -> None:
        m = self.metrics
        m.pool_size.set(self.settings.pool_size)
        m.pool_in_use.set_function(lambda: self.pool.in_use)
        m.queue_depth.set_function(lambda: self.pool.waiting)
        m.cache_hit_ratio.set_function(self.cache.hit_ratio)
        m.build_info.labels(self.version).set(1)

    async def start(self) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(articles.init_db, self.settings.db_path)
        self.pool.open()
        self.http = httpx.AsyncClient(
            base_url=self.settings.external_url, timeout=self.settings.external_timeout_s
        )
        self._bg.append(asyncio.get_running_loop().create_task(self._watch_loop_lag()))
        self._started = time.monotonic()
        self.log.info(
            "sulu.app",
            "service started",
            version=self.version,
            port=self.settings.port,
            pool_size=self.settings.pool_size,
        )

    async def stop(self) -> None:
        self.breaker.stop()
        for task in self._bg:
            task.cancel()
        if self.http is not None:
            await self.http.aclose()
        uptime_s = round(time.monotonic() - self._started, 1)
        self.log.warning(
            "sulu.app", "service stopping: shutdown signal received", uptime_s=uptime_s
        )
        self.pool.close()
        self.log.close()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def record_change(self, kind: str, summary: str, diff: dict[str, list[Any]]) -> ChangeRecord:
        return self.change_log.record(kind, summary, diff)

    @property
    def changes(self) -> list[ChangeRecord]:
        """Every deploy and config change of this data directory (they outlive restarts)."""
        return self.change_log.all()

    def set_version(self, version: str) -> None:
        self.metrics.build_info.clear()
        self.metrics.build_info.labels(version).set(1)
        self.version = version

    async def query(self, fn: Callable[..., T], *args: Any, timeout_s: float | None = None) -> T:
        """Run `fn(conn, *args)` on a pooled connection in a worker thread."""
        delay_s = self.query_scan_s
        if self.board.is_on("slow-db"):
            delay_s += self.board.param("slow-db", "delay_ms") / 1000.0
        if self.board.is_on("disk-full") and fn is articles.create_article:
            raise sqlite3.OperationalError("database or disk is full")
        try:
            conn = await self.pool.acquire(timeout_s)
        except PoolTimeout:
            self.metrics.pool_timeouts.inc()
            raise
        try:
            start = time.perf_counter()
            result = await asyncio.to_thread(_timed, fn, conn, args, delay_s)
            took = time.perf_counter() - start
        finally:
            self.pool.release(conn)
        self.metrics.query_latency.observe(took)
        if took > SLOW_QUERY_S:
            self.log.warning(
                "sulu.db",
                f"slow query: {fn.__name__} took {took:.2f}s",
                query=fn.__name__,
                duration_ms=round(took * 1000, 1),
            )
        return result

    async def recommendations(self, article_id: int) -> list[int]:
        """Ask the external API for related articles; time out as configured. With the
        breaker open, answer at once without them (the page loses its related box)."""
        assert self.http is not None
        if self.breaker.open:
            self.metrics.external_requests.labels("skipped").inc()
            return []
        start = time.perf_counter()
        url = f"{self.settings.external_url}/v1/recommendations"
        try:
            resp = await self.http.get("/v1/recommendations", params={"article_id": article_id})
            resp.raise_for_status()
            ids = [int(i) for i in resp.json()["ids"]]
        except httpx.TimeoutException:
            self.metrics.external_requests.labels("timeout").inc()
            msg = f"upstream timeout: GET {url} timed out after {self.settings.external_timeout_s:.1f}s"
            raise UpstreamTimeout(msg) from None
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            self.metrics.external_requests.labels("error").inc()
            raise UpstreamTimeout(f"upstream error: GET {url}: {exc!r}") from None
        finally:
            self.metrics.external_latency.observe(time.perf_counter() - start)
        self.metrics.external_requests.labels("ok").inc()
        return ids

    async def _vendor_answers(self) -> bool:
        assert self.http is not None
        resp = await self.http.get("/v1/recommendations", params={"article_id": 1}, timeout=0.5)
        return resp.is_success

    def _breaker_changed(self, is_open: bool, reason: str) -> None:
        if is_open:
            self.log.warning("sulu.external", f"circuit breaker opened: {reason}")
        else:
            self.log.info("sulu.external", f"circuit breaker closed: {reason}")

    def maybe_bad_deploy(self, method: str, route: str) -> None:
        """Under error-burst, fail a share of API requests like the bad release does."""
        if self.board.is_on("error-burst"):
            if self.rng.random() < self.board.param("error-burst", "ratio"):
                raise InjectedBug(f"KeyError: 'author_id' in {method} {route} (serializers.py:88)")

    async def _watch_loop_lag(self) -> None:
        period_s, last_warn = 0.25, 0.0
        while True:
            start = time.perf_counter()
            await asyncio.sleep(period_s)
            lag = max(0.0, time.perf_counter() - start - period_s)
            self.metrics.loop_lag.set(lag)
            if lag > 0.1 and time.monotonic() - last_warn > 5.0:
                last_warn = time.monotonic()
                self.log.warning(
                    "sulu.app", f"event loop blocked for {lag:.2f}s", lag_ms=round(lag * 1000)
                )


def _timed(
    fn: Callable[..., T], conn: sqlite3.Connection, args: tuple[Any, ...], delay_s: float
) -> T:
    if delay_s > 0:
        time.sleep(delay_s)  # the slow disk / the scan: held while the connection is out
    return fn(conn, *args)


__all__ = ["InjectedBug", "Sulu", "SuluSettings", "UpstreamTimeout"]
