"""The two resource faults, both bounded so they hurt sulu but never the machine.

`CpuHog` spins one thread for `duty` of every 100 ms slice: one Python thread holds at
most one core, and it stops by itself after `max_s`. Because it also holds the GIL, the
event loop is starved and request latency rises, as in a real runaway thread.
`MemoryLeak` appends touched byte blocks to a list (a "session store") until `max_mb`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

_SLICE_S = 0.1


class CpuHog:
    def __init__(self, on_expire: Callable[[], None] | None = None) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_expire = on_expire

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, *, duty: float, max_s: float) -> None:
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._spin,
            args=(min(max(duty, 0.0), 1.0), max_s, self._stop),
            name="sulu-indexer",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._thread = None

    def _spin(self, duty: float, max_s: float, stop: threading.Event) -> None:
        deadline = time.monotonic() + max_s
        x = 0
        while not stop.is_set():
            start = time.monotonic()
            if start >= deadline:
                if self._on_expire is not None:
                    self._on_expire()
                return
            busy_until = start + _SLICE_S * duty
            while time.monotonic() < busy_until:
                x = (x * 31 + 7) % 1_000_003  # real work, so nothing optimises it away
            stop.wait(_SLICE_S * (1.0 - duty))


class MemoryLeak:
    def __init__(self, on_grow: Callable[[int, float], None] | None = None) -> None:
        self.blocks: list[bytes] = []
        self._task: asyncio.Task[None] | None = None
        self._on_grow = on_grow

    @property
    def size_mb(self) -> float:
        return sum(len(b) for b in self.blocks) / 1e6

    def start(self, *, rate_mb_s: float, max_mb: float) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._grow(rate_mb_s, max_mb))

    async def _grow(self, rate_mb_s: float, max_mb: float) -> None:
        step_s = 0.25
        block = max(1, int(rate_mb_s * 1e6 * step_s))
        ticks = 0
        while True:
            if self.size_mb + block / 1e6 <= max_mb:
                self.blocks.append(b"\x01" * block)  # multiplied bytes are touched: real RSS
            ticks += 1
            if ticks % 20 == 1 and self._on_grow is not None:  # soon, then every 5 s
                self._on_grow(len(self.blocks), self.size_mb)
            await asyncio.sleep(step_s)

    def stop(self) -> float:
        """Stop growing and free everything; return the MB freed."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        freed = self.size_mb
        self.blocks.clear()
        return freed


__all__ = ["CpuHog", "MemoryLeak"]
