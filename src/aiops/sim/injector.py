"""Switching faults on and off inside a running sulu, with the side effects each needs.

The board says which faults are on; this module starts and stops what a fault needs
beyond a flag (leaked connections, the hog thread, the leak, the hung upstream) and
writes the log lines the real incident would leave. A switch that changes nothing
(on when already on) keeps the state and writes nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from aiops.errors import Retryable
from aiops.sim.hogs import CpuHog, MemoryLeak
from aiops.sim.service import Sulu

_LEAK_JOB = "report-export"


class Injector:
    def __init__(self, sulu: Sulu) -> None:
        self.sulu = sulu
        self.leaked: list[sqlite3.Connection] = []
        self._leaker: asyncio.Task[None] | None = None
        self.hog = CpuHog(on_expire=self._hog_expired)
        self.leak = MemoryLeak(on_grow=self._leak_grew)
        self._loop: asyncio.AbstractEventLoop | None = None

    async def switch(
        self, name: str, on: bool, params: dict[str, float], *, restore: bool = False
    ) -> dict[str, Any]:
        """Switch `name`; `restore` puts a durable fault back on a fresh instance as the
        state it inherits (the release, the config, the disk): no new deploy, no log."""
        self._loop = asyncio.get_running_loop()
        s = self.sulu
        changed = s.board.switch(name, on, params, now=s.now())
        if changed:
            method = "_restore_" if restore else "_"
            handler = getattr(self, method + name.replace("-", "_"))
            try:
                await handler(on, params)
            except Exception:
                s.board.switch(name, not on, params, now=s.now())  # keep board truthful
                raise
        return {"fault": name, "on": on, "changed": changed, "params": params}

    async def all_off(self) -> list[str]:
        names = [n for n in list(self.sulu.board.active) if n != "stop"]
        for name in names:
            await self.switch(name, False, {})
        return names

    async def _stop(self, on: bool, params: dict[str, float]) -> None:
        if on:
            self.sulu.log.warning("sulu.app", "shutdown requested by operator: stopping service")
            if self.sulu.request_shutdown is not None:
                asyncio.get_running_loop().call_later(0.2, self.sulu.request_shutdown)

    async def _slow_db(self, on: bool, params: dict[str, float]) -> None:
        pass  # the queries themselves slow down and log "slow query"

    _restore_slow_db = _slow_db

    async def _db_pool_exhaustion(self, on: bool, params: dict[str, float]) -> None:
        if on:
            want = int(params["leak"]) or self.sulu.pool.size
            self._leaker = asyncio.get_running_loop().create_task(self._leak_connections(want))
            return
        if self._leaker is not None:
            self._leaker.cancel()
            self._leaker = None
        n = len(self.leaked)
        for conn in self.leaked:
            self.sulu.pool.release(conn)
        self.leaked.clear()
        self.sulu.log.info(
            "sulu.db",
            f"db pool: job {_LEAK_JOB} cancelled, {n} connections returned to pool",
            job=_LEAK_JOB,
            returned=n,
        )

    async def _leak_connections(self, want: int) -> None:
        pool, log = self.sulu.pool, self.sulu.log
        while len(self.leaked) < want:
            conn = await pool.acquire(timeout_s=3600)
            self.leaked.append(conn)
            log.warning(
                "sulu.db",
                f"db pool: connection checked out by job={_LEAK_JOB} not returned "
                f"(leaked={len(self.leaked)}/{pool.size})",
                job=_LEAK_JOB,
                leaked=len(self.leaked),
                pool_size=pool.size,
            )
            await asyncio.sleep(0.2)

    async def _memory_leak(self, on: bool, params: dict[str, float]) -> None:
        if on:
            self.leak.start(rate_mb_s=params["rate_mb_s"], max_mb=params["max_mb"])
        else:
            freed = self.leak.stop()
            self.sulu.log.info(
                "sulu.app", f"session store purged: freed {freed:.0f} MB", freed_mb=round(freed)
            )

    def _leak_grew(self, entries: int, size_mb: float) -> None:
        self.sulu.log.warning(
            "sulu.app",
            f"session store growing without eviction: entries={entries} size={size_mb:.0f}MB",
            entries=entries,
            size_mb=round(size_mb),
        )

    async def _cpu_hog(self, on: bool, params: dict[str, float]) -> None:
        if on:
            self.sulu.log.warning("sulu.indexer", "search index rebuild started (no rate limit)")
            self.hog.start(duty=params["duty"], max_s=params["max_s"])
        else:
            await asyncio.to_thread(self.hog.stop)
            self.sulu.log.info("sulu.indexer", "search index rebuild stopped")

    def _hog_expired(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(
                lambda: self.sulu.board.switch("cpu-hog", False, {}, now=self.sulu.now())
            )

    async def _error_burst(self, on: bool, params: dict[str, float]) -> None:
        s = self.sulu
        old, new = (s.version, s.settings.bad_version) if on else (s.version, s.settings.version)
        kind = "deploy" if on else "rollback"
        s.record_change("deploy", f"{kind} sulu {old} -> {new}", {"version": [old, new]})
        s.set_version(new)
        s.log.info("sulu.deploy", f"{kind}: sulu {old} -> {new}", old=old, new=new)

    async def _restore_error_burst(self, on: bool, params: dict[str, float]) -> None:
        self.sulu.set_version(self.sulu.settings.bad_version)  # the release still deployed

    async def _dependency_timeout(self, on: bool, params: dict[str, float]) -> None:
        assert self.sulu.http is not None
        body = {"on": on, "hang_s": params.get("hang_s", 30.0)}
        try:
            resp = await self.sulu.http.post("/control/hang", json=body, timeout=2.0)
            resp.raise_for_status()
        except Exception as exc:
            raise Retryable(f"external API control failed: {exc!r}") from exc

    _restore_dependency_timeout = _dependency_timeout  # sets the hang, does not toggle it

    async def _restore_disk_full(self, on: bool, params: dict[str, float]) -> None:
        self.sulu.log.disk_full = True

    async def _disk_full(self, on: bool, params: dict[str, float]) -> None:
        log = self.sulu.log
        if on:
            log.disk_full = True
            return
        lost = log.write_errors
        log.disk_full = False
        log.info("sulu.log", f"log writes resumed; {lost} lines lost", lost_lines=lost)

    async def _config_change(self, on: bool, params: dict[str, float]) -> None:
        s = self.sulu
        diff = self._apply_config(on, params)
        summary = "config reloaded" if on else "config rolled back"
        s.record_change("config", summary, diff)
        shown = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in diff.items())
        s.log.info("sulu.config", f"{summary}: {shown}", diff=diff)

    async def _restore_config_change(self, on: bool, params: dict[str, float]) -> None:
        self._apply_config(on, params)  # the config file on disk, read at start

    def _apply_config(self, on: bool, params: dict[str, float]) -> dict[str, list[Any]]:
        s = self.sulu
        ttl_old, ttl_new = (s.settings.cache_ttl_s, 0.0) if on else (0.0, s.settings.cache_ttl_s)
        plan_old, plan_new = ("index", "scan") if on else ("scan", "index")
        s.cache.ttl_s = ttl_new
        s.cache.clear()
        s.query_scan_s = params["extra_latency_ms"] / 1000.0 if on else 0.0
        return {"cache.ttl_s": [ttl_old, ttl_new], "db.query_plan": [plan_old, plan_new]}

    def close(self) -> None:
        self.hog.stop()
        self.leak.stop()


__all__ = ["Injector"]
