"""DetectorAnalyzer end to end: scraped samples and tailed log lines in, signal events
out through the Worker into incidents; quiet traffic raises nothing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest
from sqlalchemy import select

from aiops.config import Settings
from aiops.detect.analyzer import SOURCE, DetectorAnalyzer
from aiops.model import Event, EventKind, EventStatus, Sample, Severity
from aiops.normalize import make_event
from aiops.runtime import ConfigSet, Runtime
from aiops.sources.pull import PullSource, SourceConfig
from aiops.store.tables import EventRow, IncidentRow
from aiops.worker import Worker

TARGET = {"job": "app", "instance": "h:1"}


class ScriptedSource(PullSource):
    type_name: ClassVar[str] = "scripted"
    config_model: ClassVar[type[SourceConfig]] = SourceConfig

    def __init__(self) -> None:
        super().__init__(SourceConfig(name="scripted", type="scripted", interval=2))

    async def poll(self, now: datetime) -> list[Sample | Event]:
        return []


class Traffic:
    """A web app's scrape: requests by status, a latency histogram, a memory gauge."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.ok = self.err = 0.0
        self.buckets = {"0.1": 0.0, "1.0": 0.0, "+Inf": 0.0}
        self.mem = 50e6

    def scrape(self, at: datetime, *, error_share: float = 0.0, leak: float = 0.0) -> list[Sample]:
        n = self.rng.randint(12, 20)
        bad = round(n * error_share)
        self.ok += n - bad
        self.err += bad
        for le in self.buckets:
            self.buckets[le] += n if le != "0.1" else n - 1
        self.mem += leak + self.rng.uniform(-2e5, 2e5)

        def s(name: str, v: float, **labels: str) -> Sample:
            return Sample(name=name, value=v, timestamp=at, labels={**TARGET, **labels},
                          source="app-metrics", service="svc", ci="svc-app")  # fmt: skip

        return [
            s("http_requests_total", self.ok, status="200"),
            s("http_requests_total", self.err, status="500"),
            *[s("http_seconds_bucket", c, le=le) for le, c in self.buckets.items()],
            s("http_seconds_count", self.buckets["+Inf"]),
            s("resident_memory_bytes", self.mem),
        ]


def log(at: datetime, text: str, severity: Severity = Severity.info) -> Event:
    return make_event(source="app-log", kind=EventKind.log, occurred_at=at, now=at,
                      summary=text, service="svc", ci="svc-app", severity=severity)  # fmt: skip


def drive(a: DetectorAnalyzer, steps: int, t0: datetime, **fault: float) -> list[Event]:
    traffic, out = Traffic(), []
    for i in range(steps):
        at = t0 + timedelta(seconds=2 * i)
        on = {k: v for k, v in fault.items() if i >= 40} if fault else {}
        out += a.observe(traffic.scrape(at, **on), at)
        out += a.tick(at)
    return out


T0 = datetime(2024, 3, 1, tzinfo=UTC)


def test_quiet_traffic_raises_nothing() -> None:
    assert drive(DetectorAnalyzer(), 200, T0) == []


def test_a_5xx_share_fires_one_signal_event_with_an_explanation() -> None:
    events = drive(DetectorAnalyzer(), 50, T0, error_share=0.3)
    firing = [e for e in events if e.status is EventStatus.firing]
    assert len(firing) == 1
    e = firing[0]
    assert e.kind is EventKind.signal and e.source == SOURCE
    assert (e.service, e.ci) == ("svc", "svc-app")
    assert e.labels["family"] == "error_ratio:http_requests_total"
    assert "detector" in e.labels and "series" in e.labels
    assert "above its normal" in e.summary
    assert e.occurred_at <= T0 + timedelta(seconds=2 * 44)  # within 4 scrapes of the onset


def test_a_memory_leak_fires_on_the_gauge() -> None:
    events = drive(DetectorAnalyzer(), 60, T0, leak=16e6)
    assert [e.labels["family"] for e in events] == ["resident_memory_bytes"]


def test_repeats_share_one_fingerprint_and_resolve_when_normal_again() -> None:
    a, traffic, out = DetectorAnalyzer(), Traffic(), []
    for i in range(90):
        at = T0 + timedelta(seconds=2 * i)
        share = 0.4 if 40 <= i < 55 else 0.0
        out += a.observe(traffic.scrape(at, error_share=share), at)
    assert [e.status for e in out] == [EventStatus.firing, EventStatus.resolved]
    assert out[0].fingerprint == out[1].fingerprint


def test_a_second_fault_like_the_first_still_fires() -> None:
    """After a leak that was fixed (memory back to normal), the same leak again pages:
    the detector relearns normal after the episode instead of keeping its peak."""
    a, traffic, out = DetectorAnalyzer(), Traffic(), []
    for i in range(200):
        at = T0 + timedelta(seconds=2 * i)
        leaking = 40 <= i < 60 or 74 <= i < 94
        if i in (60, 94):
            traffic.mem = 50e6  # the restart that fixed it
        out += a.observe(traffic.scrape(at, leak=16e6 if leaking else 0.0), at)
    mem = [e.status for e in out if e.labels["family"] == "resident_memory_bytes"]
    assert mem == [EventStatus.firing, EventStatus.resolved] * 2


def test_a_leak_that_starts_as_the_last_one_resolves_still_fires() -> None:
    """The same fault again seconds after the last one was fixed: the detector is still
    relearning (its warm-up would take the new ramp for normal), the kept normal fires."""
    a, traffic, out = DetectorAnalyzer(), Traffic(), []
    fixed = None
    for i in range(160):
        at = T0 + timedelta(seconds=2 * i)
        leaking = 40 <= i < 60 or (fixed is not None and fixed + 1 <= i < fixed + 40)
        if i == 60:
            traffic.mem = 50e6  # the restart that fixed the first leak
        events = a.observe(traffic.scrape(at, leak=16e6 if leaking else 0.0), at)
        if fixed is None and any(e.status is EventStatus.resolved for e in events):
            fixed = i  # the next leak starts one scrape after the alert resolved
        out += events
    mem = [e.status for e in out if e.labels["family"] == "resident_memory_bytes"]
    assert mem[:3] == [EventStatus.firing, EventStatus.resolved, EventStatus.firing]


def test_an_outage_soon_after_a_restart_blip_still_fires() -> None:
    """A restart takes the target down for two scrapes (too short to page); an outage a
    minute later must not look normal because of that blip."""

    def up(i: int) -> float:
        return 0.0 if i in (60, 61) or i >= 90 else 1.0

    a, out = DetectorAnalyzer(), []
    for i in range(110):
        at = T0 + timedelta(seconds=2 * i)
        sample = Sample(name="up", value=up(i), timestamp=at, labels=TARGET, source="m",
                        service="svc", ci="svc-app")  # fmt: skip
        out += a.observe([sample], at)
    assert [(e.status, e.occurred_at >= T0 + timedelta(seconds=180)) for e in out] == [
        (EventStatus.firing, True)
    ]


def test_a_silent_series_resolves_its_alert() -> None:
    a = DetectorAnalyzer()
    events = drive(a, 50, T0, error_share=0.5)
    assert events and events[-1].status is EventStatus.firing
    later = a.tick(T0 + timedelta(seconds=2 * 50 + 60))
    assert [e.status for e in later] == [EventStatus.resolved]


def test_log_error_burst_and_new_error_template_fire_then_resolve_when_quiet() -> None:
    a, out = DetectorAnalyzer(), []
    for i in range(120):  # 60 s of normal access lines
        at = T0 + timedelta(seconds=i / 2)
        out += a.observe([log(at, f"GET /items/{i} 200 in {i % 7} ms")], at)
    assert out == []
    for i in range(12):
        at = T0 + timedelta(seconds=60 + i / 2)
        out += a.observe([log(at, f"pool timeout after {i} ms", Severity.error)], at)
    families = {e.labels["family"] for e in out}
    assert families == {"logs:new_error_template", "logs:error_burst"}
    resolved = a.tick(T0 + timedelta(seconds=120))
    assert {e.status for e in resolved} == {EventStatus.resolved} and len(resolved) == 2


@pytest.fixture
def runtime(tmp_path, clock):  # type: ignore[no-untyped-def]
    rt = Runtime(Settings(database_url=f"sqlite:///{tmp_path / 'd.db'}"), config=ConfigSet(None),
                 clock=clock)  # fmt: skip
    yield rt
    rt.close()


async def test_through_the_worker_a_fault_opens_an_incident_marked_as_a_signal(
    runtime: Runtime,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    source, traffic = ScriptedSource(), Traffic()
    worker = Worker(runtime, [source], [DetectorAnalyzer()])
    opened: list[str] = []
    runtime.batch_listeners.append(lambda r: opened.extend(r.incidents_opened))
    for i in range(60):
        share = 0.3 if i >= 40 else 0.0
        await worker.sink(source, traffic.scrape(clock.now, error_share=share))
        await worker.tick()
        assert opened == [] or i >= 40  # nothing before the fault
        clock.advance(2)
    assert len(opened) == 1
    with runtime.sessions() as s:
        kinds = s.execute(select(EventRow.kind, EventRow.source)).all()
        inc = s.execute(select(IncidentRow)).scalar_one()
    assert ("signal", SOURCE) in [tuple(k) for k in kinds]
    assert inc.service == "svc"
    assert worker.stats.by_analyzer[SOURCE] == 1
    await runtime.aclose()
