"""Incident stages run in order, once per burst of updates, and one failure stops nothing."""

from __future__ import annotations

import asyncio

from aiops.bus.stages import StageDispatcher


class Recorder:
    def __init__(self, name: str, calls: list[tuple[str, str, str]], fail_on: str = "") -> None:
        self.name, self.calls, self.fail_on = name, calls, fail_on

    def handle(self, incident_id: str, reason: str) -> None:
        self.calls.append((self.name, incident_id, reason))
        if incident_id == self.fail_on:
            raise RuntimeError("boom")


def test_stages_run_in_order_and_coalesce_repeats() -> None:
    calls: list[tuple[str, str, str]] = []
    t = [100.0]
    d = StageDispatcher([Recorder("diagnose", calls), Recorder("decide", calls)],
                        min_interval_s=5, monotonic=lambda: t[0])
    d.notify("INC-1", "opened")
    d.notify("INC-1", "updated")  # "opened" is kept
    d.notify("INC-1", "updated")
    assert d.run_once() == 1
    assert calls == [("diagnose", "INC-1", "opened"), ("decide", "INC-1", "opened")]
    d.notify("INC-1", "updated")
    assert d.run_once() == 0  # too soon: waits for min_interval_s
    t[0] += 5
    assert d.run_once() == 1
    assert calls[-1] == ("decide", "INC-1", "updated")


def test_a_failing_stage_is_counted_and_the_rest_still_run() -> None:
    calls: list[tuple[str, str, str]] = []
    d = StageDispatcher([Recorder("diagnose", calls, fail_on="INC-1"), Recorder("decide", calls)],
                        min_interval_s=0)
    d.notify("INC-1", "opened")
    d.notify("INC-2", "opened")
    d.run_once()
    assert [c[:2] for c in calls] == [("diagnose", "INC-1"), ("decide", "INC-1"),
                                      ("diagnose", "INC-2"), ("decide", "INC-2")]
    assert d.stats["diagnose"].failures == 1 and d.stats["decide"].failures == 0


async def test_run_wakes_on_notify_from_another_thread() -> None:
    calls: list[tuple[str, str, str]] = []
    d = StageDispatcher([Recorder("diagnose", calls)], min_interval_s=0)
    task = asyncio.create_task(d.run(poll_s=30))
    await asyncio.sleep(0.05)
    await asyncio.to_thread(d.notify, "INC-9", "opened")
    for _ in range(100):
        if calls:
            break
        await asyncio.sleep(0.02)
    task.cancel()
    assert calls == [("diagnose", "INC-9", "opened")]
