"""The batch path gives exactly the streaming path's numbers (the CLI and bench use it)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aiops.detect import DetectorConfig, SeriesDetector, Status, score_array


def streamed(ts: np.ndarray, x: np.ndarray, cfg: DetectorConfig) -> list:
    detector = SeriesDetector(cfg)
    return [detector.update(float(t), float(v)) for t, v in zip(ts, x, strict=True)]


def messy_series(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ts = np.cumsum(rng.choice([300.0, 300.0, 300.0, 600.0, 280.0], n))
    x = 20 + 10 * np.sin(2 * np.pi * ts / 86400) + rng.normal(0, 1, n)
    x[rng.integers(0, n, 10)] += 60.0
    x[n // 2 :] += 5.0
    x[n // 3] += 500.0  # one unprecedented spike
    x[n // 4] = 0.01  # a fall towards zero (the drop detector)
    x[rng.integers(0, n, 5)] = 0.0  # no logarithm
    x[rng.integers(0, n, 5)] = -3.0
    x[rng.integers(0, n, 5)] = math.nan
    x[rng.integers(0, n, 3)] = math.inf
    back = rng.integers(1, n, 5)
    ts[back] = ts[back - 1]  # duplicates / out of order
    ts[n - n // 5 :] += 8 * 86400  # a long gap: restart
    return ts, x


CONFIGS = {
    "default": DetectorConfig(),
    "small": DetectorConfig(
        window=16, warmup=8, horizons=(5, 20), suppress=5, history=64, season_s=3600.0
    ),
    "no_season": DetectorConfig(season_s=0.0),
    "no_drop": DetectorConfig(drop=False),
    "uncalibrated": DetectorConfig(calibration=0.0),
    "short_score_memory": DetectorConfig(score_memory=7, calibration=3.0),
    "suppress_0": DetectorConfig(suppress=0, damping=0.5),  # no window: nothing damped
}


@pytest.mark.parametrize("name", CONFIGS)
def test_batch_equals_streaming(name: str) -> None:
    cfg = CONFIGS[name]
    ts, x = messy_series(1400, seed=len(name))
    batch = score_array(ts, x, cfg)
    live = streamed(ts, x, cfg)
    assert np.array_equal(batch.score, [r.score for r in live])
    assert np.array_equal(batch.is_anomaly, [r.is_anomaly for r in live])
    assert [Status(s) for s in batch.status] == [r.status for r in live]
    assert batch.is_anomaly.any()


def test_batch_and_streaming_agree_on_explanations() -> None:
    cfg = DetectorConfig()
    ts, x = messy_series(1400, seed=9)
    batch = score_array(ts, x, cfg)
    live = streamed(ts, x, cfg)
    for i in np.flatnonzero(batch.is_anomaly):
        from aiops.detect import DETECTORS

        assert live[i].detector == DETECTORS[batch.detector[i]]
        assert live[i].expected == batch.expected[i]
        assert live[i].z == batch.z[i]
