"""The worker: pull sources → analyzers (baseline rules, detectors) → the pipeline.

    Scheduler ──items──► Worker.sink ──► series store (charts)
                                   ├──► analyzers.observe(items)  ─┐
                                   └──► error log lines (evidence) ├─► runtime.submit
    every tick:                         analyzers.tick(now) ───────┘

An *analyzer* turns what sources bring into events: the baseline `RuleEvaluator` is one,
the anomaly detectors are others. They share one seam so the demo and the evaluation can
run the human procedure and the AI side by side on the same data.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import structlog

from aiops.model import Event, EventKind, Sample, Severity
from aiops.rules import RuleEvaluator, RulesFile, load_rules
from aiops.runtime import Runtime
from aiops.sources.pull import PullSource, Scheduler, SourceContext, build_sources, load_sources

log = structlog.get_logger("aiops.worker")

Item = Sample | Event


class Analyzer(Protocol):
    """Something that watches items and raises events (rules, detectors)."""

    name: str

    def observe(self, items: Sequence[Item], now: datetime) -> list[Event]: ...
    def tick(self, now: datetime) -> list[Event]: ...


class RulesAnalyzer:
    """The baseline procedure as an analyzer: observe everything, evaluate on ticks."""

    name = "rules"

    def __init__(self, rules: RulesFile) -> None:
        self.rules = rules
        self.evaluator = RuleEvaluator(rules)

    def observe(self, items: Sequence[Item], now: datetime) -> list[Event]:
        self.evaluator.observe(items)
        return []

    def tick(self, now: datetime) -> list[Event]:
        return self.evaluator.evaluate(now)


@dataclass
class WorkerStats:
    items: int = 0
    samples: int = 0
    events_out: int = 0
    evidence: int = 0
    errors: int = 0
    by_analyzer: dict[str, int] = field(default_factory=dict)


class Worker:
    """Runs pull sources and analyzers, and feeds the runtime's pipeline."""

    def __init__(
        self,
        runtime: Runtime,
        sources: Sequence[PullSource],
        analyzers: Sequence[Analyzer],
        *,
        tick_s: float = 1.0,
        evidence_levels: Iterable[Severity] = (Severity.warning, Severity.error, Severity.critical),
        max_evidence_per_tick: int = 50,
    ) -> None:
        self.runtime = runtime
        self.sources = list(sources)
        self.analyzers = list(analyzers)
        self.tick_s = tick_s
        self.evidence_levels = frozenset(evidence_levels)
        self.max_evidence_per_tick = max_evidence_per_tick
        self.scheduler = Scheduler(self.sources, self.sink, clock=runtime.clock)
        self.stats = WorkerStats()
        self.listeners: list[Callable[[str, list[Event]], None]] = []
        self._evidence_budget = max_evidence_per_tick
        self._warnings = 0  # warning lines kept this tick
        self._stop = asyncio.Event()

    async def sink(self, source: PullSource, items: list[Item]) -> None:
        now = self.runtime.clock()
        samples = [i for i in items if isinstance(i, Sample)]
        self.stats.items += len(items)
        self.stats.samples += len(samples)
        if samples:
            self.runtime.publish_samples(samples)
        out: list[Event] = []
        for a in self.analyzers:
            out.extend(self._tagged(a, a.observe(items, now)))
        out.extend(self._evidence(items))
        await self._submit(out)

    def _evidence(self, items: Sequence[Item]) -> list[Event]:
        """Log lines kept as evidence beside incidents, bounded per tick: errors first,
        then warnings (the slow query, the leaked connection, the growing cache: often
        the first sign of the cause) in at most half of the budget."""
        logs = [
            i
            for i in items
            if isinstance(i, Event)
            and i.kind is EventKind.log
            and i.severity in self.evidence_levels
        ]
        picked: list[Event] = []
        for severe in (True, False):
            cap = (
                self._evidence_budget
                if severe
                else min(self._evidence_budget, self.max_evidence_per_tick // 2 - self._warnings)
            )
            chosen = [e for e in logs if (e.severity.rank >= Severity.error.rank) is severe][
                : max(cap, 0)
            ]
            picked += chosen
            self._evidence_budget -= len(chosen)
            if not severe:
                self._warnings += len(chosen)
        self.stats.evidence += len(picked)
        return picked

    def _tagged(self, analyzer: Analyzer, events: list[Event]) -> list[Event]:
        if events:
            self.stats.by_analyzer[analyzer.name] = self.stats.by_analyzer.get(
                analyzer.name, 0
            ) + len(events)
            for listener in self.listeners:
                listener(analyzer.name, events)
        return events

    async def tick(self) -> None:
        now = self.runtime.clock()
        self._evidence_budget = self.max_evidence_per_tick
        self._warnings = 0
        out: list[Event] = []
        for a in self.analyzers:
            out.extend(self._tagged(a, a.tick(now)))
        await self._submit(out)

    async def _submit(self, events: list[Event]) -> None:
        if not events:
            return
        try:
            await self.runtime.submit(events)
            self.stats.events_out += len(events)
        except Exception as exc:  # the pipeline logs it; the worker keeps going
            self.stats.errors += 1
            log.error("worker.submit_failed", events=len(events), error=repr(exc))

    async def run(self) -> None:
        """Until `stop()`: sources on their intervals, analyzers ticked every `tick_s`."""
        sched = asyncio.create_task(self.scheduler.run(), name="worker:sources")
        try:
            while not self._stop.is_set():
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=self.tick_s)
                except TimeoutError:
                    pass
                await self.tick()
        finally:
            self.scheduler.stop()
            sched.cancel()
            try:
                await sched
            except (asyncio.CancelledError, Exception):
                pass

    def stop(self) -> None:
        self._stop.set()
        self.scheduler.stop()


def build_worker(
    runtime: Runtime,
    config_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    time_scale: float = 1.0,
    extra_analyzers: Sequence[Analyzer] = (),
) -> Worker | None:
    """A worker from `sources.yaml` and `rules.yaml` in `config_dir`; None without sources.

    `time_scale` < 1 compresses every rule duration (demo and benchmarks only).
    """
    sources_path = config_dir / "sources.yaml"
    if not sources_path.exists():
        return None
    configs = load_sources(sources_path, env=env if env is not None else os.environ)
    sources = build_sources(configs, SourceContext(registry=runtime.metrics.registry))
    analyzers: list[Analyzer] = []
    rules_path = config_dir / "rules.yaml"
    tick_s = 1.0
    if rules_path.exists():
        rules = load_rules(rules_path)
        if time_scale != 1.0:
            rules = rules.scaled(time_scale)
        analyzers.append(RulesAnalyzer(rules))
        tick_s = min(tick_s, rules.evaluation_interval)
    analyzers.extend(extra_analyzers)
    return Worker(runtime, sources, analyzers, tick_s=tick_s)
