"""Change detectors: a shift of the level (mean of the last few samples) or of the spread
(mean absolute step). Averaging lets a sustained change stand out of noise that hides a
single point, and still fires within a few samples (NAB rewards early detection).

Sums run left to right in a fixed order in both paths, so batch and streaming agree to
the last bit.
"""

from __future__ import annotations

import numpy as np

LEVEL = "level_shift"
SPREAD = "volatility"


def ordered_mean(rows: np.ndarray) -> np.ndarray:
    """Mean of each row of `rows` (oldest first), summed left to right."""
    total = rows[:, 0].copy()
    for j in range(1, rows.shape[1]):
        total = total + rows[:, j]
    mean: np.ndarray = total / rows.shape[1]
    return mean


def level_feature(x: np.ndarray, short: int) -> np.ndarray:
    """Mean of the last `short` samples at each position (NaN until there are enough)."""
    out = np.full(len(x), np.nan)
    if len(x) >= short:
        out[short - 1 :] = ordered_mean(np.lib.stride_tricks.sliding_window_view(x, short))
    return out


def spread_feature(x: np.ndarray, steps: int) -> np.ndarray:
    """Mean absolute step over the last `steps` steps (NaN until there are enough)."""
    out = np.full(len(x), np.nan)
    if len(x) > steps:
        step = np.abs(x[1:] - x[:-1])
        out[steps:] = ordered_mean(np.lib.stride_tricks.sliding_window_view(step, steps))
    return out
