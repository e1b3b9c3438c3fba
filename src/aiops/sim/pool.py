"""A bounded pool of SQLite connections with a wait timeout, like a web app's DB pool.

Sulu runs queries in worker threads (`asyncio.to_thread`); the pool bounds how many run
at once. A request that cannot get a connection within `timeout_s` fails with
`PoolTimeout`, whose message is the line operators grep for in real incidents.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class PoolTimeout(Exception):
    """No connection became free within the pool timeout."""


class ConnectionPool:
    def __init__(
        self, connect: Callable[[], sqlite3.Connection], *, size: int, timeout_s: float
    ) -> None:
        if size < 1:
            raise ValueError("pool size must be >= 1")
        self.size = size
        self.timeout_s = timeout_s
        self.in_use = 0
        self.waiting = 0  # requests queued for a connection: the service's queue depth
        self.timeouts = 0
        self._connect = connect
        self._idle: asyncio.Queue[sqlite3.Connection] = asyncio.Queue()
        self._all: list[sqlite3.Connection] = []

    def open(self) -> None:
        for _ in range(self.size):
            conn = self._connect()
            self._all.append(conn)
            self._idle.put_nowait(conn)

    async def acquire(self, timeout_s: float | None = None) -> sqlite3.Connection:
        wait = self.timeout_s if timeout_s is None else timeout_s
        self.waiting += 1
        try:
            conn = await asyncio.wait_for(self._idle.get(), wait)
        except TimeoutError:
            self.timeouts += 1
            raise PoolTimeout(
                f"connection pool exhausted: timeout after {wait:.1f}s waiting for "
                f"connection (size={self.size}, in_use={self.in_use})"
            ) from None
        finally:
            self.waiting -= 1
        self.in_use += 1
        return conn

    def release(self, conn: sqlite3.Connection) -> None:
        self.in_use -= 1
        self._idle.put_nowait(conn)

    @asynccontextmanager
    async def connection(self, timeout_s: float | None = None) -> AsyncIterator[sqlite3.Connection]:
        conn = await self.acquire(timeout_s)
        try:
            yield conn
        finally:
            self.release(conn)

    def close(self) -> None:
        for conn in self._all:
            conn.close()
        self._all.clear()


__all__ = ["ConnectionPool", "PoolTimeout"]
