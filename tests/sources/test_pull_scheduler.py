"""Scheduler: each source on its own loop; a crashing adapter is counted, never fatal."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry

from aiops.model import Sample
from aiops.sources.pull import Item, PullSource, Scheduler, SourceConfig, poll_safely

NOW = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)


class Counting(PullSource):
    type_name = "test_counting"
    config_model = SourceConfig

    def __init__(self, name: str, reg: CollectorRegistry, *, crash: bool = False) -> None:
        super().__init__(SourceConfig(name=name, type=self.type_name, interval=0.01), registry=reg)
        self.crash = crash
        self.polls = 0
        self.closed = False

    async def poll(self, now: datetime) -> list[Item]:
        self.polls += 1
        if self.crash:
            raise RuntimeError("adapter bug")
        self._tracker.success(now, 1)
        return [Sample(name="x", value=float(self.polls), timestamp=now, source=self.name)]

    async def aclose(self) -> None:
        self.closed = True


async def test_poll_safely_counts_a_crash_as_internal_error():
    reg = CollectorRegistry()
    src = Counting("bad", reg, crash=True)
    assert await poll_safely(src, NOW) == []
    assert src.health.last_error_reason == "internal" and "adapter bug" in str(
        src.health.last_error
    )
    assert (
        reg.get_sample_value("aiops_source_errors_total", {"source": "bad", "reason": "internal"})
        == 1
    )


async def test_run_polls_each_source_until_stopped_and_closes_them():
    reg = CollectorRegistry()
    good, bad = Counting("good", reg), Counting("bad", reg, crash=True)
    got: list[tuple[str, float]] = []

    async def sink(source: PullSource, items: list[Item]) -> None:
        got.extend((source.name, i.value) for i in items if isinstance(i, Sample))
        if len(got) >= 3:
            scheduler.stop()

    scheduler = Scheduler([good, bad], sink, clock=lambda: NOW)
    await asyncio.wait_for(scheduler.run(), timeout=10)
    assert got[:3] == [("good", 1.0), ("good", 2.0), ("good", 3.0)]
    assert bad.polls >= 1 and bad.health.consecutive_failures == bad.polls
    assert good.closed and bad.closed


async def test_a_failing_sink_does_not_stop_polling():
    reg = CollectorRegistry()
    src = Counting("good", reg)
    calls = 0

    async def sink(source: PullSource, items: list[Item]) -> None:
        nonlocal calls
        calls += 1
        if calls >= 3:
            scheduler.stop()
        raise RuntimeError("downstream full")

    scheduler = Scheduler([src], sink, clock=lambda: NOW)
    await asyncio.wait_for(scheduler.run(), timeout=10)
    assert src.polls >= 3


async def test_poll_all_polls_every_source_once():
    reg = CollectorRegistry()
    a, b = Counting("a", reg), Counting("b", reg)
    seen: list[str] = []

    async def sink(source: PullSource, items: list[Item]) -> None:
        seen.append(source.name)

    await Scheduler([a, b], sink, clock=lambda: NOW).poll_all()
    assert sorted(seen) == ["a", "b"] and a.polls == b.polls == 1
