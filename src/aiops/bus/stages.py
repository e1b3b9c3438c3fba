"""After correlation: the incident stages (diagnose → decide → act), run off the hot path.

The pipeline reports which incidents a committed batch opened or changed; the dispatcher
queues their ids, coalesces repeats (an incident that grows ten times in a second is
handled once per `min_interval_s`), and runs each registered stage in order, in a worker
thread, each stage in its own transaction. A failing stage is logged and counted; the
next stages and the next incidents still run. Stages must be idempotent: an incident may
be handled again when it grows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

log = structlog.get_logger("aiops.stages")


class IncidentStage(Protocol):
    """One step after correlation. `reason` is "opened" or "updated"."""

    name: str

    def handle(self, incident_id: str, reason: str) -> None: ...


@dataclass
class StageStats:
    runs: int = 0
    failures: int = 0


class StageDispatcher:
    def __init__(
        self,
        stages: Sequence[IncidentStage] = (),
        *,
        min_interval_s: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stages = list(stages)
        self.min_interval_s = min_interval_s
        self._monotonic = monotonic
        self._pending: dict[str, str] = {}  # incident id -> reason ("opened" wins)
        self._last_run: dict[str, float] = {}
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.stats: dict[str, StageStats] = {}
        # (stage name, incident id) after each successful stage run, e.g. the demo timeline
        self.listeners: list[Callable[[str, str], None]] = []

    def notify(self, incident_id: str, reason: str) -> None:
        """Called from any thread after a commit; cheap and non-blocking."""
        if self._pending.get(incident_id) != "opened":
            self._pending[incident_id] = reason
        if self._wake is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)  # notify runs in worker threads

    def run_once(self) -> int:
        """Handle what is due now, synchronously (tests, CLI). Returns incidents handled."""
        now = self._monotonic()
        due = [
            (iid, reason) for iid, reason in list(self._pending.items())
            if now - self._last_run.get(iid, -1e18) >= self.min_interval_s
        ]
        for iid, reason in due:
            self._pending.pop(iid, None)
            self._last_run[iid] = now
            self._handle(iid, reason)
        return len(due)

    def _handle(self, incident_id: str, reason: str) -> None:
        for stage in self.stages:
            stats = self.stats.setdefault(stage.name, StageStats())
            stats.runs += 1
            try:
                stage.handle(incident_id, reason)
            except Exception as exc:
                stats.failures += 1
                log.error("stage.failed", stage=stage.name, incident_id=incident_id,
                          error=repr(exc), exc_info=exc)
                continue
            for listener in self.listeners:
                listener(stage.name, incident_id)

    async def run(self, *, poll_s: float = 0.5) -> None:
        """Forever: wake on notify (or every `poll_s`), run due incidents in a thread."""
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=poll_s)
            except TimeoutError:
                pass
            self._wake.clear()
            if self._pending and self.stages:
                await asyncio.to_thread(self.run_once)
