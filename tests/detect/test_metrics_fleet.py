"""SeriesFleet: keyed series over banks, as one `SeriesDetector` per key fed in input order
(with the least recently seen key forgotten past `max_series`, as MetricDetector did)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from tests.detect.streams import Sample3, same, scrapes

from aiops.detect import DetectorConfig, Score, SeriesDetector
from aiops.detect.metrics.fleet import SeriesFleet

A = DetectorConfig(warmup=8, horizons=(8, 32), window=16, history=64, season_s=3000.0)
B = DetectorConfig(warmup=5, horizons=(5, 20), suppress=5, season_s=0.0, drop=False)


def config_of(key: str) -> DetectorConfig:
    return A if key.startswith("a") else B


class Reference:
    """One SeriesDetector per key, least recently seen evicted: the old MetricDetector."""

    def __init__(self, max_series: int) -> None:
        self.max_series = max_series
        self.series: OrderedDict[str, SeriesDetector] = OrderedDict()

    def update(self, key: str, ts: float, x: float) -> Score:
        detector = self.series.pop(key, None)
        if detector is None:
            detector = SeriesDetector(config_of(key))
            while len(self.series) >= self.max_series:
                self.series.popitem(last=False)
        self.series[key] = detector
        return detector.update(ts, x)


def compare(batches: list[list[Sample3]], max_series: int) -> int:
    fleet, ref, checked = SeriesFleet(max_series), Reference(max_series), 0
    for batch in batches:
        keys = [k for k, _, _ in batch]
        got = fleet.score(keys, [t for _, t, _ in batch], [x for _, _, x in batch],
                          lambda i, keys=keys: config_of(keys[i]))  # fmt: skip
        for i, (key, t, x) in enumerate(batch):
            want = ref.update(key, t, x)
            assert same(got.at(i), want), (i, key, got.at(i), want)
            checked += want.is_anomaly
        assert list(fleet) == list(ref.series)  # same series, same recency order
    return checked


def mixed_batches(seed: int, steps: int = 400) -> list[list[Sample3]]:
    """Scrapes of two configs interleaved, 1 to 3 scrapes per batch (repeated keys)."""
    rng = np.random.default_rng(seed)
    a = scrapes(A, 300.0, 5, steps, seed, prefix="a")
    b = scrapes(B, 60.0, 4, steps, seed + 1, prefix="b")
    merged = [sa + sb for sa, sb in zip(a, b, strict=True)]
    batches, i = [], 0
    while i < len(merged):
        k = int(rng.integers(1, 4))
        batch = [s for scrape in merged[i : i + k] for s in scrape]
        order = rng.permutation(len(batch)) if rng.random() < 0.3 else np.arange(len(batch))
        batches.append([batch[j] for j in order])
        i += k
    return batches


@pytest.mark.parametrize("max_series", [100, 9, 6, 2], ids=lambda n: f"max_{n}")
@pytest.mark.parametrize("seed", [0, 1])
def test_fleet_equals_one_series_detector_per_key(seed: int, max_series: int) -> None:
    anomalies = compare(mixed_batches(seed), max_series)
    if max_series >= 9:
        assert anomalies > 0


def test_a_batch_holding_more_series_than_the_limit_is_scored_in_order() -> None:
    keys = ["a1", "b1", "a2", "a1", "b2", "a3", "b1", "a1"] * 30
    batch = [(k, 100.0 * (i // 8 + 1), float(i % 5)) for i, k in enumerate(keys)]
    compare([batch[:80], batch[80:]], max_series=3)


def test_series_of_other_configs_live_in_other_banks() -> None:
    fleet = SeriesFleet()
    keys = ["a1", "b1", "a2"]
    fleet.score(keys, [1.0, 1.0, 1.0], [1.0, 2.0, 3.0], lambda i: config_of(keys[i]))
    assert {b.config for b in fleet.banks} == {A, B} and len(fleet) == 3


def test_memory_stays_within_max_series() -> None:
    fleet = SeriesFleet(max_series=5)
    for step in range(20):
        keys = [f"s{step}-{i}" for i in range(7)]  # all new: constant eviction
        fleet.score(keys, np.full(7, 1.0 + step), np.ones(7), B)
    assert len(fleet) == 5 and [b.rows for b in fleet.banks] == [5]
