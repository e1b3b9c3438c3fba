"""Bad data: NaN/inf, gaps, out-of-order, flat series, bounded memory."""

from __future__ import annotations

import math

import numpy as np

from aiops.detect import DetectorConfig, SeriesDetector, Status, score_array

STEP_S = 60.0


def test_nan_and_inf_are_ignored_without_touching_state() -> None:
    detector = SeriesDetector()
    n = DetectorConfig().warmup + 10
    for i in range(n):
        detector.update(i * STEP_S, 5.0 + (i % 2))
    before = detector.last_ts
    for bad in (math.nan, math.inf, -math.inf):
        result = detector.update(n * STEP_S, bad)
        assert result.status is Status.invalid and result.score == 0.0 and not result.is_anomaly
    assert detector.last_ts == before
    assert detector.update(n * STEP_S, 5.0).status is Status.ok


def test_nan_timestamp_is_invalid() -> None:
    assert SeriesDetector().update(math.nan, 1.0).status is Status.invalid


def test_out_of_order_and_duplicate_samples_are_ignored() -> None:
    detector = SeriesDetector()
    for i in range(50):
        detector.update(i * STEP_S, 1.0)
    assert detector.update(10 * STEP_S, 1e9).status is Status.out_of_order
    assert detector.update(49 * STEP_S, 1e9).status is Status.out_of_order
    assert detector.last_ts == 49 * STEP_S


def test_batch_marks_bad_rows_and_scores_them_zero() -> None:
    ts = np.arange(200) * STEP_S
    x = np.full(200, 3.0)
    x[50], x[60] = math.nan, math.inf
    ts[70] = ts[10]  # out of order
    result = score_array(ts, x, DetectorConfig())
    assert result.status[50] == Status.invalid and result.status[60] == Status.invalid
    assert result.status[70] == Status.out_of_order
    assert result.score[[50, 60, 70]].tolist() == [0.0, 0.0, 0.0]


def test_constant_series_is_never_anomalous() -> None:
    ts = np.arange(3000) * STEP_S
    result = score_array(ts, np.full(3000, 42.0), DetectorConfig())
    assert not result.is_anomaly.any() and np.isfinite(result.score).all()


def test_zero_series_then_a_step_is_flagged_not_infinite() -> None:
    x = np.zeros(1000)
    x[800:] = 1.0
    result = score_array(np.arange(1000) * STEP_S, x, DetectorConfig())
    assert result.is_anomaly[800] and np.isfinite(result.score).all()


def test_irregular_sampling_is_scored() -> None:
    rng = np.random.default_rng(0)
    ts = np.cumsum(rng.uniform(1.0, 120.0, 1500))
    x = 10.0 + rng.normal(0, 1, 1500)
    x[1400] = 40.0
    assert score_array(ts, x, DetectorConfig()).is_anomaly[1400]


def test_long_gap_restarts_warmup() -> None:
    cfg = DetectorConfig()
    ts = (
        np.concatenate([np.arange(500), np.arange(500) + 500 + cfg.max_gap_s / STEP_S + 1]) * STEP_S
    )
    x = np.full(1000, 1.0)
    x[505] = 100.0  # inside the new warm-up: not judged
    result = score_array(ts, x, cfg)
    assert result.status[500] == Status.warmup and not result.is_anomaly[505]


def test_short_gap_keeps_history() -> None:
    ts = np.concatenate([np.arange(500), np.arange(500) + 600]) * STEP_S
    x = np.random.default_rng(1).normal(10, 1, 1000)
    x[505] = 60.0
    assert score_array(ts, x, DetectorConfig()).is_anomaly[505]


def test_memory_per_series_is_bounded() -> None:
    detector = SeriesDetector()
    for i in range(100):
        detector.update(i * STEP_S, float(i % 7))
    size = detector.nbytes
    for i in range(100, 5_000):  # past every ring's capacity (2048)
        detector.update(i * STEP_S, float(i % 7))
    assert detector.nbytes == size
    assert size < 256 * 1024


def test_empty_series_gives_empty_result() -> None:
    result = score_array(np.empty(0), np.empty(0), DetectorConfig())
    assert result.score.size == 0
