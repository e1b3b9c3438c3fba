"""Combiner: turn detector features into one anomaly score in [0, 1].

A feature alarms when it leaves the range it has had over its recent history:
`exceedance` is how far beyond, in units of that range. So a series that is always jumpy
does not alarm on its usual jumps, a flat one alarms on its first wobble, and the unit
is the series' own, which lets one threshold serve every series. `e / (1 + e)` maps it
into [0, 1). The score is averaged over several history lengths (`horizons`: about two,
four and seven days at 5-minute samples), so it does not hinge on one window length: an
extreme unseen for a week scores higher than one unseen for a day. Detectors combine by
maximum. The combined score is then calibrated against the series' own score history
(`calibrated`, in the spirit of HTM's anomaly likelihood): a series that often shows
novelty has its scores discounted, one that rarely does keeps them. Finally a score that
does not beat every score of the last `suppress` samples is damped, because an incident
needs one alarm and each repeat would be a false positive.
"""

from __future__ import annotations

import numpy as np

RELATIVE_FLOOR = 1e-9  # a range of zero (flat history) still gives a finite unit
ABSOLUTE_FLOOR = 1e-12
CALIBRATION_FLOOR = 1e-12  # a zero score over a zero history stays 0, not NaN


def exceedance(f: np.ndarray, past_max: np.ndarray, past_min: np.ndarray) -> np.ndarray:
    """How far `f` is beyond [past_min, past_max], in units of that range (0 inside)."""
    with np.errstate(invalid="ignore", over="ignore"):
        span = past_max - past_min + ABSOLUTE_FLOOR + RELATIVE_FLOOR * np.abs(past_max)
        beyond = np.maximum(np.maximum(f - past_max, past_min - f), 0.0) / span
    return np.where(np.isfinite(beyond), beyond, 0.0)


def novelty_score(e: np.ndarray) -> np.ndarray:
    return e / (1.0 + e)


def calibrated(score: np.ndarray, mean_square: np.ndarray, weight: float) -> np.ndarray:
    """`s * s / (s + weight * rms)`, rms = root mean square of the series' past scores.

    A score well above the usual ones keeps nearly all of its value; one no larger than
    the usual ones loses about half of it or more. Never above `score`, 0 stays 0.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return score * score / (score + weight * np.sqrt(mean_square) + CALIBRATION_FLOOR)


def score_mean_square(score: list[float], memory: int) -> list[float]:
    """Exponentially weighted mean of past squared scores (memory = 1 / weight), before each.

    A plain left-to-right recursion on floats: the streaming path runs the same steps.
    """
    alpha = 1.0 / memory
    m = 0.0
    out = []
    for s in score:
        out.append(m)
        m = m + alpha * (s * s - m)
    return out


def suppressed(score: np.ndarray, past_max: np.ndarray, damping: float) -> np.ndarray:
    """Keep a score that beats the recent ones; damp a repeat."""
    return np.where(score > past_max, score, damping * score)
