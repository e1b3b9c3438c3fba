"""The analyzer scores each scrape through the fleet and raises exactly the events it did
with one SeriesDetector per series (many targets, faults, pauses, restarts, eviction)."""

from __future__ import annotations

import math
import random
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from aiops.detect import DETECTORS
from aiops.detect.analyzer import DetectorAnalyzer
from aiops.detect.derive import Point
from aiops.detect.live import LiveConfig
from aiops.detect.metrics import SeriesDetector
from aiops.detect.metrics.bank import StreamResult
from aiops.model import Event, Sample

T0 = datetime(2024, 3, 1, tzinfo=UTC)


class ReferenceAnalyzer(DetectorAnalyzer):
    """The analyzer as it was: one SeriesDetector per series, point by point."""

    def __init__(self, config: LiveConfig) -> None:
        super().__init__(config)
        self._detectors: OrderedDict[str, SeriesDetector] = OrderedDict()

    def _scores(self, points: list[Point]) -> StreamResult:
        at = np.array([p.at.timestamp() for p in points], dtype=float)
        out = StreamResult.empty(at, np.array([p.value for p in points], dtype=float))
        for i, p in enumerate(points):
            d = self._detectors.pop(p.series, None)
            if d is None:
                d = SeriesDetector(self.config.detector)
                while len(self._detectors) >= self.config.max_series:
                    self._detectors.popitem(last=False)
            self._detectors[p.series] = d
            s = d.update(float(at[i]), p.value)
            out.score[i], out.is_anomaly[i], out.status[i] = s.score, s.is_anomaly, s.status
            out.detector[i] = -1 if s.detector is None else DETECTOR_INDEX[s.detector]
            out.expected[i] = math.nan if s.expected is None else s.expected
            out.z[i], out.since[i] = s.z, math.nan if s.since is None else s.since
        return out


DETECTOR_INDEX = {name: i for i, name in enumerate(DETECTORS)}


def fleet_scrape(rng: random.Random, step: int, at: datetime, n_targets: int) -> list[Sample]:
    """Targets with a memory gauge and a request counter; some leak, some go silent, some
    are replaced by a new instance (new series: past `max_series` the silent ones go)."""
    out = []
    for i in range(n_targets):
        if i % 7 == 3 and 60 <= step < 100:  # silent for 80 s: a restart past max_gap_s
            continue
        if i % 5 == 1 and rng.random() < 0.2:  # misses scrapes
            continue
        moved = i % 8 == 5 and step >= 100
        labels = {"job": "app", "instance": f"h{i}:{81 if moved else 80}"}
        mem = 50e6 * (1 + i % 3) + rng.uniform(-3e5, 3e5)
        if i % 4 == 0 and step >= 120:
            mem *= 3.0  # a leak
        reqs = 100.0 * step * (1 + i % 2) + rng.randint(0, 30)
        if i % 6 == 2 and step >= 150:
            reqs = 100.0 * 150 * (1 + i % 2) + 2.0 * (step - 150)  # traffic drops
        for name, value in (("resident_memory_bytes", mem), ("http_requests_total", reqs)):
            out.append(Sample(name=name, value=value, timestamp=at, labels=labels,
                              source=f"t{i}", service=f"svc{i % 3}", ci=f"ci{i}"))  # fmt: skip
    rng.shuffle(out)
    return out


def drive(a: DetectorAnalyzer, n_targets: int, steps: int = 240) -> list[Event]:
    rng, out = random.Random(5), []
    for step in range(steps):
        at = T0 + timedelta(seconds=2 * step)
        out += a.observe(fleet_scrape(rng, step, at, n_targets), at)
        out += a.tick(at)
    return out


@pytest.mark.parametrize("max_series", [5000, 48, 30], ids=lambda n: f"max_{n}")
def test_scrapes_through_the_fleet_raise_the_events_of_one_detector_per_series(
    max_series: int,
) -> None:
    config = LiveConfig(max_series=max_series)
    got = drive(DetectorAnalyzer(config), 24)
    want = drive(ReferenceAnalyzer(config), 24)
    assert got == want
    if max_series >= 48:  # 48 series at a time: only the replaced ones are evicted
        assert len(got) >= 10
