"""Combiner: turn detector features into one anomaly score in [0, 1].

A feature alarms when it leaves the range it has had over its recent history:
`exceedance` is how far beyond, in units of that range. So a series that is always jumpy
does not alarm on its usual jumps, a flat one alarms on its first wobble, and the unit
is the series' own, which lets one threshold serve every series. `e / (1 + e)` maps it
into [0, 1). The score is averaged over several history lengths (`horizons`: about two,
four and seven days at 5-minute samples), so it does not hinge on one window length: an
extreme unseen for a week scores higher than one unseen for a day. Detectors combine by maximum; a score that does not beat every score of
the last `suppress` samples is damped, because an incident needs one alarm and each
repeat would be a false positive.
"""

from __future__ import annotations

import numpy as np

RELATIVE_FLOOR = 1e-9  # a range of zero (flat history) still gives a finite unit
ABSOLUTE_FLOOR = 1e-12


def exceedance(f: np.ndarray, past_max: np.ndarray, past_min: np.ndarray) -> np.ndarray:
    """How far `f` is beyond [past_min, past_max], in units of that range (0 inside)."""
    with np.errstate(invalid="ignore", over="ignore"):
        span = past_max - past_min + ABSOLUTE_FLOOR + RELATIVE_FLOOR * np.abs(past_max)
        beyond = np.maximum(np.maximum(f - past_max, past_min - f), 0.0) / span
    return np.where(np.isfinite(beyond), beyond, 0.0)


def novelty_score(e: np.ndarray) -> np.ndarray:
    return e / (1.0 + e)


def suppressed(score: np.ndarray, past_max: np.ndarray, damping: float) -> np.ndarray:
    """Keep a score that beats the recent ones; damp a repeat."""
    return np.where(score > past_max, score, damping * score)
