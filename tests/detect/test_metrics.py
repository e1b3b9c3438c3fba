"""Detector behaviour on synthetic series: what must be flagged and what must not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from aiops.detect import DETECTORS, DetectorConfig, MetricDetector, SeriesDetector, score_array
from aiops.model import Sample, Signal

STEP_S = 300.0
DAY = 288  # samples per day at 5 minutes


def stamps(n: int) -> np.ndarray:
    return 1_700_000_000.0 + np.arange(n) * STEP_S


def noise(n: int, seed: int = 0) -> np.ndarray:
    return 10.0 + np.random.default_rng(seed).normal(0.0, 1.0, n)


def flagged(values: np.ndarray) -> np.ndarray:
    return np.flatnonzero(score_array(stamps(len(values)), values, DetectorConfig()).is_anomaly)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spike_is_flagged_at_the_spike(seed: int) -> None:
    x = noise(1200, seed)
    x[900] += 15.0
    assert 900 in flagged(x)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_level_shift_is_flagged_within_three_samples(seed: int) -> None:
    x = noise(1200, seed)
    x[900:] += 6.0
    hits = flagged(x)
    assert any(900 <= i <= 902 for i in hits)


def test_level_shift_is_not_flagged_again_and_again() -> None:
    x = noise(1200, 0)
    x[900:] += 6.0
    assert len([i for i in flagged(x) if i >= 900]) <= 3


def test_downward_shift_is_flagged() -> None:
    x = noise(1200, 3)
    x[900:] -= 6.0
    assert any(900 <= i <= 902 for i in flagged(x))


def test_daily_pattern_is_not_flagged_once_a_day_has_been_seen() -> None:
    t = np.arange(5 * DAY)
    x = 50.0 + 20.0 * np.sin(2 * np.pi * t / DAY) + 5.0 * (t % DAY > 200)
    assert [i for i in flagged(x) if i >= DAY] == []


@pytest.mark.parametrize("seed", range(5))
def test_noisy_daily_pattern_raises_at_most_one_alarm_in_five_days(seed: int) -> None:
    t = np.arange(7 * DAY)
    rng = np.random.default_rng(seed)
    x = 50.0 + 20.0 * np.sin(2 * np.pi * t / DAY) + rng.normal(0, 1, len(t))
    assert len([i for i in flagged(x) if i >= 2 * DAY]) <= 1


def test_missing_daily_peak_is_flagged_by_the_seasonal_detector() -> None:
    t = np.arange(5 * DAY)
    x = 50.0 + 20.0 * np.clip(np.sin(2 * np.pi * t / DAY), 0, None)
    x[4 * DAY : 4 * DAY + DAY // 2] = 50.0  # day 5 has no peak
    result = score_array(stamps(len(x)), x, DetectorConfig())
    hits = np.flatnonzero(result.is_anomaly[2 * DAY :]) + 2 * DAY  # after two days learnt
    assert hits.size and 4 * DAY <= hits[0] < 4 * DAY + DAY // 2
    assert result.detector[hits[0]] == 2  # seasonal


def positive_noise(n: int, seed: int = 0) -> np.ndarray:
    """A positive metric with multiplicative noise, between about 0.05 and 2."""
    return 0.3 * np.exp(np.random.default_rng(seed).normal(0.0, 0.6, n))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fall_towards_zero_is_flagged_by_the_drop_detector(seed: int) -> None:
    x = positive_noise(1200, seed)
    x[900] = 0.001  # a fifth of the range below the lows, but 50 times smaller
    result = score_array(stamps(len(x)), x, DetectorConfig())
    assert result.is_anomaly[900] and result.detector[900] == DETECTORS.index("drop")
    off = score_array(stamps(len(x)), x, DetectorConfig(drop=False))
    assert not off.is_anomaly[900]  # the raw scale alone does not see it


def test_a_rise_is_never_reported_as_a_drop() -> None:
    x = positive_noise(1200, 3)
    x[900] = 40.0
    result = score_array(stamps(len(x)), x, DetectorConfig())
    assert result.is_anomaly[900] and DETECTORS[result.detector[900]] == "spike"


def test_drop_feature_needs_a_positive_horizon() -> None:
    """Defined while every sample since the start, or of the last `horizon`, is positive."""
    from aiops.detect.metrics import drop

    f = drop.feature(np.array([2.0, 0.0, -3.0, 1.0, 5.0, 0.5]), horizon=2)
    assert f[0] == pytest.approx(np.log(2.0))
    assert np.isnan(f[1:4]).all()  # zero, negative, then a zero still within the horizon
    assert f[4] == pytest.approx(np.log(5.0)) and f[5] == pytest.approx(np.log(0.5))


@pytest.mark.parametrize("seed", range(3))
def test_zeros_and_negatives_do_not_feed_the_drop_detector(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, 3000)  # half the samples have no logarithm
    x[rng.integers(0, 3000, 300)] = 0.0
    result = score_array(stamps(len(x)), x, DetectorConfig())
    assert np.isfinite(result.score).all()
    assert DETECTORS.index("drop") not in result.detector[result.is_anomaly].tolist()
    assert result.is_anomaly.sum() <= 3


@pytest.mark.parametrize("seed", range(5))
def test_pure_noise_raises_under_one_alarm_per_thousand_samples(seed: int) -> None:
    assert flagged(noise(5000, seed)).size <= 5  # under 0.1 %


def test_scores_are_in_unit_interval() -> None:
    x = noise(2000, 4)
    x[1500] = 1e6
    score = score_array(stamps(len(x)), x, DetectorConfig()).score
    assert score.min() >= 0.0 and score.max() <= 1.0


def test_no_score_during_warmup() -> None:
    x = noise(100)
    x[10] = 1e6
    result = score_array(stamps(len(x)), x, DetectorConfig())
    assert not result.is_anomaly[: DetectorConfig().warmup].any()


def test_streaming_score_explains_itself() -> None:
    detector = SeriesDetector()
    x = noise(1000)
    x[950] = 40.0
    results = [detector.update(t, v) for t, v in zip(stamps(len(x)), x, strict=True)]
    hit = results[950]
    assert hit.is_anomaly and hit.detector == "spike"
    assert hit.expected == pytest.approx(10.0, abs=0.5)
    assert hit.z > 10 and hit.since == hit.ts


def test_level_shift_signal_reports_since_when_it_started() -> None:
    detector = SeriesDetector()
    x = noise(1000, 5)
    x[900:] += 8.0
    results = [detector.update(t, v) for t, v in zip(stamps(len(x)), x, strict=True)]
    first = next(r for r in results[900:] if r.is_anomaly)
    assert first.since == first.ts
    assert first.since <= stamps(1000)[902]


def make_sample(value: float, minute: int, **over: object) -> Sample:
    fields: dict[str, object] = {
        "name": "cpu",
        "value": value,
        "timestamp": datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=minute),
        "labels": {"host": "a"},
    }
    fields.update(over)
    return Sample.model_validate(fields)


def test_metric_detector_emits_an_explained_signal() -> None:
    detector = MetricDetector()
    x = noise(600, 11)
    x[550] = 60.0
    signals = [detector.observe(make_sample(v, i)) for i, v in enumerate(x)]
    signal = signals[550]
    assert isinstance(signal, Signal)
    assert signal.detector == "spike" and signal.series == "cpu{host=a}"
    assert signal.observed == 60.0 and signal.expected == pytest.approx(10.0, abs=0.5)
    assert signal.since == signal.at and 0.5 < signal.score <= 1.0
    assert "expected about" in signal.explanation and "robust sigmas" in signal.explanation


def test_metric_detector_keeps_series_apart() -> None:
    detector = MetricDetector()
    for i in range(300):
        detector.observe(make_sample(10.0 + (i % 3), i, labels={"host": "a"}))
        detector.observe(make_sample(1000.0 + (i % 5), i, labels={"host": "b"}))
    assert len(detector) == 2
    assert detector.observe(make_sample(1000.0, 301, labels={"host": "b"})) is None


def test_metric_detector_evicts_oldest_series_past_the_limit() -> None:
    detector = MetricDetector(max_series=3)
    for host in "abcde":
        detector.observe(make_sample(1.0, 0, labels={"host": host}))
    assert len(detector) == 3


def test_calibration_discounts_novelty_in_a_series_that_is_often_novel() -> None:
    """The same combined score is worth less after a history of high scores."""
    from aiops.detect.metrics.combiner import calibrated, score_mean_square

    quiet = score_mean_square([0.0] * 50, 10)[-1]
    busy = score_mean_square([0.5] * 50, 10)[-1]
    s = np.array([0.4])
    assert calibrated(s, np.array([quiet]), 1.0)[0] > calibrated(s, np.array([busy]), 1.0)[0]
    assert calibrated(s, np.array([quiet]), 1.0)[0] == pytest.approx(0.4)


def test_calibration_keeps_zero_and_never_raises_a_score() -> None:
    from aiops.detect.metrics.combiner import calibrated

    s = np.array([0.0, 0.1, 0.9, 0.0])
    ms = np.array([0.0, 0.04, 0.5, 0.3])
    out = calibrated(s, ms, 1.0)
    assert out[0] == 0.0 and out[3] == 0.0
    assert (out <= s).all() and (out >= 0.0).all()


def test_calibration_off_gives_the_uncalibrated_scores() -> None:
    x = noise(2000, 5)
    x[1500] += 30.0
    on = score_array(stamps(len(x)), x, DetectorConfig())
    off = score_array(stamps(len(x)), x, DetectorConfig(calibration=0.0))
    assert off.score[1500] >= on.score[1500] > 0.0
    assert on.is_anomaly[1500] and off.is_anomaly[1500]
