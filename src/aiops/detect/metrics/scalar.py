"""One-sample versions of the batch arithmetic, on Python floats (numpy call overhead
would dominate for one value). Each function performs the same IEEE operations in the
same order as its array twin, so the results are bit-identical; the tests hold them to it.
"""

from __future__ import annotations

import math

import numpy as np

from aiops.detect.metrics.combiner import ABSOLUTE_FLOOR, CALIBRATION_FLOOR, RELATIVE_FLOOR
from aiops.detect.metrics.ring import Ring
from aiops.detect.metrics.seasonal import TOLERANCE


def exceedance(f: float, past_max: float, past_min: float) -> float:
    """Twin of `combiner.exceedance` for one value."""
    if not (math.isfinite(past_max) and math.isfinite(past_min)):
        return 0.0
    span = past_max - past_min + ABSOLUTE_FLOOR + RELATIVE_FLOOR * abs(past_max)
    beyond = max(max(f - past_max, past_min - f), 0.0) / span
    return beyond if math.isfinite(beyond) else 0.0


def calibrated(score: float, mean_square: float, weight: float) -> float:
    """Twin of `combiner.calibrated` for one value."""
    return score * score / (score + weight * math.sqrt(mean_square) + CALIBRATION_FLOOR)


def mean_novelty(f: float, history: Ring, horizons: tuple[int, ...]) -> float:
    """Twin of the batch score: novelty of `f` averaged over the `horizons`, in order.

    `history` holds at least one value (the warm-up guarantees it); NaN = no value.
    """
    total = 0.0
    for h in horizons:
        past = history.last(h)
        e = exceedance(f, float(np.fmax.reduce(past)), float(np.fmin.reduce(past)))
        total = total + e / (1.0 + e)
    return total / len(horizons)


def ordered_mean(values: list[float]) -> float:
    """Twin of `changepoint.ordered_mean` for one row."""
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total / len(values)


def residual(
    stamps: np.ndarray,
    values: np.ndarray,
    ts: float,
    x: float,
    interval: float,
    period_s: float,
    lags: int,
) -> tuple[float, float]:
    """Twin of `seasonal.residual` for one sample against the whole history buffer."""
    hi = len(stamps) - 1
    best = base = math.nan
    if hi < 0:
        return best, base
    tol = TOLERANCE * interval
    for k in range(1, lags + 1):
        target = ts - k * period_s
        pos = int(np.searchsorted(stamps, target))
        left = min(max(pos - 1, 0), hi)
        right = min(max(pos, 0), hi)
        d_left = abs(float(stamps[left]) - target)
        d_right = abs(float(stamps[right]) - target)
        if min(d_left, d_right) > tol:
            continue
        then = float(values[right if d_right < d_left else left])
        candidate = x - then
        if math.isnan(best) or abs(candidate) < abs(best):
            best, base = candidate, then
    return best, base
