"""Robust level and spread of a window: median and MAD, with floors for flat series.

They say what "expected" was and how many robust sigmas away a sample is, in the
explanation of each alarm. Functions take one window per row (2-D), so the streaming
path (one row) and the batch path run the same arithmetic.
"""

from __future__ import annotations

import numpy as np

MAD_TO_SIGMA = 1.4826  # MAD of a normal sample * this = its standard deviation
RANGE_FLOOR = 0.05  # spread is at least 5 % of the window's range (quantised series)
RELATIVE_FLOOR = 1e-6  # ... and a millionth of the level, so a flat line is not infinitely tight
ABSOLUTE_FLOOR = 1e-9


def level_and_spread(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and a robust sigma of each row.

    The MAD alone is zero on quantised or mostly-flat series, which would make every
    blip infinitely unusual; the range and level floors keep the scale honest.
    """
    med = row_median(windows)
    mad = row_median(np.abs(windows - med[:, None]))
    rng = np.max(windows, axis=1) - np.min(windows, axis=1)
    scale = np.maximum(MAD_TO_SIGMA * mad, RANGE_FLOOR * rng)
    scale = np.maximum(scale, RELATIVE_FLOOR * np.abs(med) + ABSOLUTE_FLOOR)
    return med, scale


def row_median(rows: np.ndarray) -> np.ndarray:
    """Median of each row; as np.median but without its per-call overhead (no NaN here)."""
    m = rows.shape[1]
    k = m // 2
    if m % 2:
        return np.partition(rows, k, axis=1)[:, k]
    part = np.partition(rows, (k - 1, k), axis=1)
    return (part[:, k - 1] + part[:, k]) / 2.0
