"""The worker feeds what sources bring to the analyzers and the pipeline: a threshold
crossed long enough becomes an alert and an incident; error log lines become evidence."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, select

from aiops.config import Settings
from aiops.model import Event, EventKind, Sample, Severity
from aiops.normalize import make_event
from aiops.rules import parse_rules
from aiops.runtime import ConfigSet, Runtime
from aiops.sources.pull import PullSource, SourceConfig
from aiops.store.tables import EventRow
from aiops.worker import RulesAnalyzer, Worker


class ScriptedSource(PullSource):
    """A pull source that returns what the test queued."""

    type_name: ClassVar[str] = "scripted"
    config_model: ClassVar[type[SourceConfig]] = SourceConfig

    def __init__(self) -> None:
        super().__init__(SourceConfig(name="scripted", type="scripted", interval=1))
        self.queue: list[Sample | Event] = []

    async def poll(self, now: datetime) -> list[Sample | Event]:
        items, self.queue = self.queue, []
        return items


RULES = """
evaluation_interval: 1s
rules:
  - name: QueueTooDeep
    kind: threshold
    params: {metric: queue_depth, op: ">", threshold: 100}
    for: 10s
    severity: error
    labels: {service: sulu, ci: sulu-app}
    summary: "queue depth {value}"
"""


def _rules():  # type: ignore[no-untyped-def]
    from pathlib import Path

    from ruamel.yaml import YAML

    return parse_rules(YAML(typ="rt").load(RULES), Path("rules.yaml"))


@pytest.fixture
def runtime(tmp_path, clock):  # type: ignore[no-untyped-def]
    rt = Runtime(
        Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}"), config=ConfigSet(None), clock=clock
    )
    yield rt
    rt.close()


def _depth(value: float, at: datetime) -> Sample:
    return Sample(name="queue_depth", value=value, timestamp=at, service="sulu", ci="sulu-app")


async def test_a_rule_held_for_its_duration_opens_an_incident(runtime: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    source = ScriptedSource()
    worker = Worker(runtime, [source], [RulesAnalyzer(_rules())])
    opened: list[str] = []
    runtime.batch_listeners.append(lambda r: opened.extend(r.incidents_opened))
    for _ in range(15):  # 15 s of a queue stuck at 500
        await worker.sink(source, [_depth(500, clock.now)])
        await worker.tick()
        clock.advance(1)
    assert len(opened) == 1
    assert worker.stats.by_analyzer["rules"] >= 1
    assert runtime.series.names() == ["queue_depth"]  # charts got the samples
    await runtime.aclose()


async def test_a_short_spike_under_for_raises_nothing(runtime: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    source = ScriptedSource()
    worker = Worker(runtime, [source], [RulesAnalyzer(_rules())])
    for step in range(20):
        value = 500 if 5 <= step < 10 else 3
        await worker.sink(source, [_depth(value, clock.now)])
        await worker.tick()
        clock.advance(1)
    assert worker.stats.events_out == 0
    await runtime.aclose()


async def test_error_log_lines_are_kept_as_bounded_evidence(runtime: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    source = ScriptedSource()
    worker = Worker(runtime, [source], [], max_evidence_per_tick=3)
    lines = [
        make_event(
            source="sulu-log",
            kind=EventKind.log,
            occurred_at=clock.now - timedelta(seconds=i),
            now=clock.now,
            summary=f"pool exhausted {i}",
            service="sulu",
            severity=Severity.error if i % 2 else Severity.info,
        )
        for i in range(10)
    ]
    await worker.sink(source, lines)
    with runtime.sessions() as s:
        stored = s.execute(select(func.count()).select_from(EventRow)).scalar_one()
    assert stored == 3  # error lines only, capped per tick; info lines are not evidence
    await runtime.aclose()


async def test_warnings_are_evidence_too_but_errors_come_first(runtime: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    """A slow query is a warning and the first sign of a slow database: it is kept, in at
    most half the budget, after the errors of the same tick."""
    source = ScriptedSource()
    worker = Worker(runtime, [source], [], max_evidence_per_tick=6)

    def line(i: int, severity: Severity) -> Any:
        return make_event(source="sulu-log", kind=EventKind.log, now=clock.now,
                          occurred_at=clock.now - timedelta(seconds=i), service="sulu",
                          summary=f"{severity.value} {i}", severity=severity)  # fmt: skip

    warnings = [line(i, Severity.warning) for i in range(10)]
    errors = [line(100 + i, Severity.error) for i in range(2)]
    await worker.sink(source, [*warnings, *errors, line(200, Severity.info)])
    with runtime.sessions() as s:
        kept = s.execute(select(EventRow.severity)).scalars().all()
    assert sorted(kept) == ["error"] * 2 + ["warning"] * 3
    await runtime.aclose()
