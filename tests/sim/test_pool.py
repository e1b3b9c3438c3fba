from __future__ import annotations

import sqlite3

import pytest

from aiops.sim.pool import ConnectionPool, PoolTimeout


async def test_waiting_past_the_timeout_raises_the_exhausted_message() -> None:
    pool = ConnectionPool(lambda: sqlite3.connect(":memory:"), size=1, timeout_s=0.05)
    pool.open()
    held = await pool.acquire()
    with pytest.raises(PoolTimeout, match=r"connection pool exhausted: timeout after 0\.1s"):
        await pool.acquire()
    assert pool.timeouts == 1 and pool.waiting == 0 and pool.in_use == 1
    pool.release(held)
    async with pool.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert pool.in_use == 0
    pool.close()


def test_pool_of_zero_is_refused() -> None:
    with pytest.raises(ValueError):
        ConnectionPool(lambda: sqlite3.connect(":memory:"), size=0, timeout_s=1)
