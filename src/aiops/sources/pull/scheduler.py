"""Poll each source on its own interval and hand what it read to a sink.

One task per source, so a slow target delays only itself. A poll that raises (a bug:
adapters record target failures themselves) is counted as `internal` and the loop goes
on. The clock and the sleep are injected so tests run without waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from aiops.sources.pull.base import Item, PullSource
from aiops.sources.pull.health import ErrorReason

Sink = Callable[[PullSource, list[Item]], Awaitable[None]]
Clock = Callable[[], datetime]

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def poll_safely(source: PullSource, now: datetime) -> list[Item]:
    """`source.poll(now)`, with any escaping exception counted instead of raised."""
    try:
        return await source.poll(now)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in one adapter must not stop the others
        log.exception("source.poll_crashed source=%s", source.name)
        source.record_failure(now, ErrorReason.internal, f"{type(exc).__name__}: {exc}")
        return []


class Scheduler:
    """Runs `sources` until `stop()` (or cancellation), then closes them."""

    def __init__(
        self,
        sources: Sequence[PullSource],
        sink: Sink,
        *,
        clock: Clock = utc_now,
        monotonic: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.sources = list(sources)
        self._sink = sink
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._stopping = asyncio.Event()

    async def poll_all(self) -> None:
        """Poll every source once, concurrently; for tests and for `aiops sources check`."""
        now = self._clock()
        results = await asyncio.gather(*(poll_safely(s, now) for s in self.sources))
        for source, items in zip(self.sources, results, strict=True):
            await self._deliver(source, items)

    async def run(self) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                for source in self.sources:
                    group.create_task(self._loop(source), name=f"source:{source.name}")
        finally:
            for source in self.sources:
                await source.aclose()

    def stop(self) -> None:
        self._stopping.set()

    async def _loop(self, source: PullSource) -> None:
        loop = asyncio.get_running_loop()
        mono = self._monotonic or loop.time
        next_at = mono()
        while not self._stopping.is_set():
            items = await poll_safely(source, self._clock())
            await self._deliver(source, items)
            next_at += source.interval_s
            delay = next_at - mono()
            if delay < 0:  # overran: skip the missed ticks rather than burst to catch up
                next_at, delay = mono(), 0.0
            await self._wait(delay)

    async def _wait(self, delay: float) -> None:
        if self._sleep is not asyncio.sleep:
            await self._sleep(delay)
            return
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=delay)
        except TimeoutError:
            pass

    async def _deliver(self, source: PullSource, items: list[Item]) -> None:
        if not items:
            return
        try:
            await self._sink(source, items)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the sink's failure is logged; polling goes on
            log.exception("source.sink_failed source=%s items=%d", source.name, len(items))
