"""Seasonal detector: compare a sample with the same time of day in the last few periods.

The residual `x(t) - x(t - k * period)` removes a repeating daily shape, so a day that
departs from the usual shape (a missing peak, a flat stretch) stands out even when every
value is within the normal range. Of the last `lags` periods the closest one is used:
an anomaly yesterday then does not make today look anomalous (its echo). Lags are found
on timestamps, which keeps them right under gaps and irregular sampling.
"""

from __future__ import annotations

import numpy as np

NAME = "seasonal"
TOLERANCE = 0.5  # the lagged sample must be within half the current interval of the target


def lag_index(
    stamps: np.ndarray, target: np.ndarray, lo: np.ndarray, hi: np.ndarray, tol: np.ndarray
) -> np.ndarray:
    """Index in `stamps` nearest to each `target` within [lo, hi] and `tol`, else -1.

    `stamps` is increasing. Both paths call this: the batch path on the whole series,
    the streaming path on its history buffer.
    """
    if len(stamps) == 0:
        return np.full(len(target), -1)
    pos = np.searchsorted(stamps, target)
    left = np.clip(pos - 1, lo, hi)
    right = np.clip(pos, lo, hi)
    d_left = np.abs(stamps[left] - target)
    d_right = np.abs(stamps[right] - target)
    best = np.where(d_right < d_left, right, left)
    ok = (hi >= lo) & (np.minimum(d_left, d_right) <= tol)
    return np.where(ok, best, -1)


def residual(
    stamps: np.ndarray,
    values: np.ndarray,
    ts: np.ndarray,
    x: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    interval: np.ndarray,
    period_s: float,
    lags: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(residual, the lagged value it was taken against) for each sample; NaN when no lag.

    `stamps`/`values` is the history searched; (`ts`, `x`) are the samples scored.
    """
    best = np.full(len(x), np.nan)
    base = np.full(len(x), np.nan)
    for k in range(1, lags + 1):
        lag = lag_index(stamps, ts - k * period_s, lo, hi, TOLERANCE * interval)
        found = lag >= 0
        then = np.where(found, values[np.maximum(lag, 0)], np.nan)
        candidate = x - then
        take = found & (np.isnan(best) | (np.abs(candidate) < np.abs(best)))
        best = np.where(take, candidate, best)
        base = np.where(take, then, base)
    return best, base
