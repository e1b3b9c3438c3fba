"""Streaming path: one series, one sample at a time, bounded memory.

`SeriesDetector.update` does for one sample what the batch path does for an array, with
ring buffers instead of sliding windows, so a series scored live and the same series
scored from a file give the same numbers (tested).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from aiops.detect.metrics import drop, scalar
from aiops.detect.metrics.config import DetectorConfig
from aiops.detect.metrics.explain import expected_values
from aiops.detect.metrics.features import DETECTORS, DROP, LEVEL, SEASONAL, SPREAD
from aiops.detect.metrics.ring import Extremes, Ring
from aiops.detect.metrics.status import Status


@dataclass(frozen=True, slots=True)
class Score:
    """The verdict on one sample, with what a human needs to judge it."""

    ts: float
    value: float
    score: float
    is_anomaly: bool
    status: Status
    detector: str | None = None  # the detector that found it most unusual
    expected: float | None = None  # set on anomalies
    z: float = 0.0  # distance from expected in robust sigmas (on anomalies)
    since: float | None = None  # start of the current anomalous episode


class SeriesDetector:
    """Scores one series sample by sample. Out-of-order and non-finite samples are ignored."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        self.last_ts: float | None = None
        self._reset()

    def _reset(self) -> None:
        cfg = self.config
        self._stamps = Ring(cfg.history)
        self._values = Ring(cfg.history)
        self._features = [Ring(cfg.horizon) for _ in DETECTORS]
        self._seen = [0] * len(DETECTORS)  # defined values of each feature so far
        self._scores = Extremes(cfg.suppress, fill=0.0)
        self._mean_square = 0.0  # of past combined scores, for calibration
        self._count = 0
        self._positive_run = 0  # positive samples in a row, for the drop detector
        self._episode_since: float | None = None

    @property
    def nbytes(self) -> int:
        parts: list[Ring | Extremes] = [self._stamps, self._values, self._scores, *self._features]
        return sum(p.nbytes for p in parts)

    def update(self, ts: float, value: float) -> Score:
        if not (math.isfinite(ts) and math.isfinite(value)):
            return Score(ts, value, 0.0, False, Status.invalid)
        if self.last_ts is not None and ts <= self.last_ts:
            return Score(ts, value, 0.0, False, Status.out_of_order)
        prev_ts = self.last_ts
        if prev_ts is not None and ts - prev_ts > self.config.max_gap_s:
            self._reset()
            prev_ts = None
        self.last_ts = ts
        return self._score(ts, value, prev_ts)

    def _features_of(self, ts: float, x: float, prev_ts: float | None) -> tuple[list[float], float]:
        cfg = self.config
        row = [x] + [math.nan] * (len(DETECTORS) - 1)
        recent = [*self._values.last(max(cfg.short, cfg.volatility + 1)).tolist(), x]
        if len(recent) >= cfg.short:
            row[LEVEL] = scalar.ordered_mean(recent[-cfg.short :])
        if len(recent) > cfg.volatility:
            tail = recent[-(cfg.volatility + 1) :]
            row[SPREAD] = scalar.ordered_mean(
                [abs(b - a) for a, b in zip(tail, tail[1:], strict=False)]
            )
        self._positive_run = self._positive_run + 1 if x > 0.0 else 0
        if cfg.drop and drop.active(self._positive_run, self._count + 1, cfg.horizon):
            row[DROP] = float(drop.log_of(np.array([x]))[0])  # numpy's log, as the batch path
        base = math.nan
        if cfg.season_s > 0 and prev_ts is not None:
            row[SEASONAL], base = scalar.residual(
                self._stamps.last(cfg.history),
                self._values.last(cfg.history),
                ts,
                x,
                ts - prev_ts,
                cfg.season_s,
                cfg.season_lags,
            )
        return row, base

    def _score(self, ts: float, x: float, prev_ts: float | None) -> Score:
        cfg = self.config
        row, base = self._features_of(ts, x, prev_ts)
        best, combined = 0, 0.0
        for j, f in enumerate(row):
            if not math.isnan(f) and self._seen[j] >= cfg.warmup:
                s = scalar.mean_novelty(f, self._features[j], cfg.horizons)
                if s > combined:  # first maximum wins, as np.argmax
                    best, combined = j, s
        for j, f in enumerate(row):
            self._features[j].push(f)
            if not math.isnan(f):
                self._seen[j] += 1
        cal = scalar.calibrated(combined, self._mean_square, cfg.calibration)
        self._mean_square = self._mean_square + (1.0 / cfg.score_memory) * (
            combined * combined - self._mean_square
        )
        recent_max = self._scores.max() if cfg.suppress > 0 else -math.inf  # none to beat
        score = cal if cal > recent_max else cfg.damping * cal
        self._scores.push(cal)
        is_anomaly = score >= cfg.threshold
        expected, z = math.nan, 0.0
        if is_anomaly:
            expected, z = expected_values(self._values.last(cfg.window), x, best, base)
        self._stamps.push(ts)
        self._values.push(x)
        status = Status.warmup if self._count < cfg.warmup else Status.ok
        self._count += 1
        if is_anomaly and self._episode_since is None:
            self._episode_since = ts
        elif not is_anomaly and combined == 0.0:
            self._episode_since = None  # every detector back inside its range
        return Score(
            ts,
            x,
            score,
            is_anomaly,
            status,
            DETECTORS[best] if combined > 0 else None,
            None if math.isnan(expected) else expected,
            z,
            self._episode_since if is_anomaly else None,
        )
