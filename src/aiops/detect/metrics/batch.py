"""Batch path: score a whole series with numpy, with the streaming path's exact arithmetic.

Every step is a vectorised version of what `SeriesDetector.update` does for one sample
(sliding extremes instead of ring buffers); `tests/detect/test_metrics_batch.py` checks
that both give bit-identical scores. The CLI and the benches use this path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aiops.detect.metrics import changepoint, drop, seasonal, spike
from aiops.detect.metrics.combiner import (
    calibrated,
    exceedance,
    novelty_score,
    score_mean_square,
    suppressed,
)
from aiops.detect.metrics.config import DetectorConfig
from aiops.detect.metrics.explain import expected_values
from aiops.detect.metrics.features import DETECTORS, DROP, LEVEL, SEASONAL, SPIKE, SPREAD
from aiops.detect.metrics.status import Status
from aiops.detect.metrics.windows import past_max, past_min


@dataclass
class BatchResult:
    """Per input row: score, decision, why. Rejected rows score 0 with their status.

    `expected` and `z` are filled for anomalous rows only (they cost a median each).
    """

    score: np.ndarray
    is_anomaly: np.ndarray
    status: np.ndarray  # Status codes (int8)
    detector: np.ndarray  # index into DETECTORS, -1 when no detector saw anything
    expected: np.ndarray
    z: np.ndarray

    @classmethod
    def empty(cls, n: int) -> BatchResult:
        return cls(
            np.zeros(n),
            np.zeros(n, dtype=bool),
            np.full(n, Status.ok, dtype=np.int8),
            np.full(n, -1, dtype=np.int8),
            np.full(n, np.nan),
            np.zeros(n),
        )


def accepted_mask(ts: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(finite, accepted): a finite sample is accepted when newer than every earlier one."""
    finite = np.isfinite(ts) & np.isfinite(values)
    stamps = np.where(finite, ts, -np.inf)
    before = np.concatenate([[-np.inf], np.maximum.accumulate(stamps)[:-1]])
    return finite, finite & (ts > before)


def score_array(ts: np.ndarray, values: np.ndarray, config: DetectorConfig) -> BatchResult:
    """Score every sample of one series (timestamps in seconds, any order, NaN allowed)."""
    ts = np.asarray(ts, dtype=float)
    values = np.asarray(values, dtype=float)
    out = BatchResult.empty(len(values))
    finite, accepted = accepted_mask(ts, values)
    out.status[~finite] = Status.invalid
    out.status[finite & ~accepted] = Status.out_of_order
    idx = np.flatnonzero(accepted)
    cuts = np.flatnonzero(np.diff(ts[idx]) > config.max_gap_s) + 1
    for part in np.split(idx, cuts):
        if len(part):
            _score_segment(ts[part], values[part], config, out, part)
    return out


def features(ts: np.ndarray, x: np.ndarray, cfg: DetectorConfig) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (n, len(DETECTORS)), NaN where undefined, and the seasonal base."""
    n = len(x)
    cols = np.full((n, len(DETECTORS)), np.nan)
    cols[:, SPIKE] = spike.feature(x)
    cols[:, LEVEL] = changepoint.level_feature(x, cfg.short)
    cols[:, SPREAD] = changepoint.spread_feature(x, cfg.volatility)
    if cfg.drop:
        cols[:, DROP] = drop.feature(x, cfg.horizon)
    base = np.full(n, np.nan)
    if cfg.season_s > 0 and n > 1:
        t = np.arange(1, n)
        r, b = seasonal.residual(
            ts,
            x,
            ts[1:],
            x[1:],
            np.maximum(0, t - cfg.history),
            t - 1,
            ts[1:] - ts[:-1],
            cfg.season_s,
            cfg.season_lags,
        )
        cols[1:, SEASONAL], base[1:] = r, b
    return cols, base


def _score_segment(
    ts: np.ndarray, x: np.ndarray, cfg: DetectorConfig, out: BatchResult, rows: np.ndarray
) -> None:
    cols, base = features(ts, x, cfg)
    n = len(x)
    scores = np.zeros_like(cols)
    for j in range(cols.shape[1]):
        f = cols[:, j]
        defined = ~np.isnan(f)
        seen = np.concatenate([[0], np.cumsum(defined)[:-1]])  # defined values before t
        total = np.zeros(n)
        for h in cfg.horizons:  # one time scale after another, as the streaming path
            total = total + novelty_score(exceedance(f, past_max(f, h), past_min(f, h)))
        scores[:, j] = np.where(defined & (seen >= cfg.warmup), total / len(cfg.horizons), 0.0)
    best = np.argmax(scores, axis=1)
    combined = scores[np.arange(n), best]
    mean_square = np.array(score_mean_square(combined.tolist(), cfg.score_memory))
    cal = calibrated(combined, mean_square, cfg.calibration)
    score = suppressed(cal, np.maximum(past_max(cal, cfg.suppress), 0.0), cfg.damping)
    out.score[rows] = score
    out.is_anomaly[rows] = score >= cfg.threshold
    out.detector[rows] = np.where(combined > 0, best, -1)
    out.status[rows[: min(cfg.warmup, n)]] = Status.warmup
    for t in np.flatnonzero(score >= cfg.threshold):
        lo = max(0, t - cfg.window)
        out.expected[rows[t]], out.z[rows[t]] = expected_values(
            x[lo:t], float(x[t]), int(best[t]), float(base[t])
        )
