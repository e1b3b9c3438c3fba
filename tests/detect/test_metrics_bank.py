"""The multi-series bank gives, field by field and to the bit, what one `SeriesDetector`
per series gives for the same samples (the live path scores scrapes through the bank)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from tests.detect.streams import same, scrapes

from aiops.detect import DetectorConfig, SeriesDetector, Status
from aiops.detect.live import LIVE_DETECTOR
from aiops.detect.metrics.bank import DetectorBank

# name: (config, seconds between samples, scrapes); the defaults need more than their
# 2048-sample horizon to wrap every ring and complete every block.
CONFIGS = {
    "default": (DetectorConfig(), 300.0, 2300),
    "live": (LIVE_DETECTOR, 2.0, 700),
    "small": (
        DetectorConfig(
            window=16, warmup=8, horizons=(5, 20), suppress=5, history=64, season_s=3600.0
        ),
        300.0,
        700,
    ),
    "no_drop": (DetectorConfig(drop=False, horizons=(64, 128), warmup=16, history=256), 300.0, 600),
    "coprime_horizons": (  # gcd 1: one block structure per horizon
        DetectorConfig(horizons=(7, 100, 5), warmup=10, window=16, history=128, season_s=7200.0),
        300.0,
        500,
    ),
    "short_score_memory": (
        DetectorConfig(score_memory=7, calibration=3.0, horizons=(32, 64), warmup=12),
        300.0,
        500,
    ),
    "suppress_0": (  # no window: nothing is damped
        DetectorConfig(suppress=0, damping=0.5, horizons=(16, 48), warmup=8, season_s=0.0),
        60.0,
        500,
    ),
}


def run(name: str, n_series: int = 5, seed: int = 1) -> Counter[str]:
    cfg, dt, steps = CONFIGS[name]
    bank = DetectorBank(cfg, rows=1)  # grows as series join
    rows: dict[str, int] = {}
    refs: dict[str, SeriesDetector] = {}
    seen: Counter[str] = Counter()
    for batch in scrapes(cfg, dt, n_series, steps, seed):
        for key, _, _ in batch:
            if key not in rows:
                rows[key], refs[key] = bank.add(), SeriesDetector(cfg)
        got = bank.step(
            np.array([rows[k] for k, _, _ in batch], dtype=np.int64),
            np.array([t for _, t, _ in batch]),
            np.array([x for _, _, x in batch]),
        )
        for i, (key, t, x) in enumerate(batch):
            want = refs[key].update(t, x)
            assert same(got.at(i), want), (name, key, i, got.at(i), want)
            seen[want.status.name] += 1
            seen[f"anomaly:{want.detector}"] += want.is_anomaly
    return seen


@pytest.mark.parametrize("name", CONFIGS)
def test_bank_equals_one_series_detector_per_series(name: str) -> None:
    seen = run(name)
    assert {"ok", "warmup", "invalid", "out_of_order"} <= set(seen)
    assert sum(n for k, n in seen.items() if k.startswith("anomaly:")) > 0


def test_every_detector_fires_somewhere_in_the_comparison() -> None:
    fired = Counter[str]()
    for name in ("small", "short_score_memory"):
        fired += run(name, seed=3)
    detectors = {
        k.removeprefix("anomaly:") for k, n in fired.items() if k.startswith("anomaly:") and n
    }
    assert {"spike", "level_shift", "seasonal", "volatility", "drop"} <= detectors


def test_bad_samples_are_refused_and_leave_the_series_alone() -> None:
    bank = DetectorBank(DetectorConfig(warmup=3, horizons=(4, 8), season_s=0.0))
    a, b = bank.add(), bank.add()
    rows = np.array([a, b])
    first = bank.step(rows, np.array([100.0, 100.0]), np.array([1.0, 2.0]))
    assert [Status(s) for s in first.status] == [Status.warmup, Status.warmup]
    bad = bank.step(rows, np.array([math.nan, 200.0]), np.array([1.0, math.inf]))
    assert [Status(s) for s in bad.status] == [Status.invalid, Status.invalid]
    assert not bad.is_anomaly.any() and (bad.score == 0.0).all()
    late = bank.step(rows, np.array([100.0, 50.0]), np.array([1.0, 2.0]))
    assert [Status(s) for s in late.status] == [Status.out_of_order, Status.out_of_order]
    for i in range(2, 6):  # warm-up counts accepted samples only
        got = bank.step(rows, np.full(2, 100.0 * i), np.array([1.0, 2.0]))
        want = Status.warmup if i <= 3 else Status.ok
        assert [Status(s) for s in got.status] == [want, want]


def test_a_gap_longer_than_max_gap_restarts_warm_up() -> None:
    cfg = DetectorConfig(warmup=3, horizons=(4, 8), season_s=0.0, max_gap_s=1000.0)
    bank = DetectorBank(cfg)
    row = np.array([bank.add()])
    for i in range(6):
        bank.step(row, np.array([100.0 * i]), np.array([1.0]))
    got = bank.step(row, np.array([5000.0]), np.array([1e6]))
    assert Status(got.status[0]) is Status.warmup and not got.is_anomaly[0]


def arrays(obj: object) -> list[np.ndarray]:
    """Every numpy array the object holds, through its attributes and lists."""
    found, todo = [], [obj]
    while todo:
        item = todo.pop()
        if isinstance(item, np.ndarray):
            found.append(item)
        elif isinstance(item, list | tuple):
            todo.extend(item)
        elif hasattr(item, "__dict__"):
            todo.extend(vars(item).values())
    return found


def held(bank: DetectorBank) -> int:
    return sum({id(a): a.nbytes for a in arrays(bank)}.values())


@pytest.mark.parametrize(
    ("cfg", "kib"), [(DetectorConfig(), 193), (LIVE_DETECTOR, 6)], ids=["default", "live"]
)
def test_memory_per_series_is_fixed_by_the_config(cfg: DetectorConfig, kib: int) -> None:
    small, big = DetectorBank(cfg, rows=4), DetectorBank(cfg, rows=8)
    assert held(big) - held(small) == 4 * big.bytes_per_series
    assert round(big.bytes_per_series / 1024) == kib
    before = held(big)
    rows = np.array([big.add() for _ in range(8)])
    for i in range(3000):  # more samples than any ring holds: nothing grows
        big.step(rows, np.full(8, 60.0 * (i + 1)), np.sin(np.arange(8) + i))
    assert held(big) == before and big.rows == 8


def test_rows_are_reused_after_remove_and_start_afresh() -> None:
    cfg = DetectorConfig(warmup=2, horizons=(4, 8), season_s=0.0)
    bank = DetectorBank(cfg, rows=1)
    row = bank.add()
    for i in range(10):
        bank.step(np.array([row]), np.array([10.0 * i]), np.array([float(i)]))
    bank.remove(row)
    again = bank.add()
    assert again == row and bank.rows == 1
    got = bank.step(np.array([again]), np.array([1.0]), np.array([5.0]))  # earlier ts: new series
    assert Status(got.status[0]) is Status.warmup
