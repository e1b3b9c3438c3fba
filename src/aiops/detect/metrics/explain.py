"""What 'normal' was when a detector alarmed: the expected value and how many robust sigmas
the sample is away from it. Computed only for alarms (it costs a median)."""

from __future__ import annotations

import math

import numpy as np

from aiops.detect.metrics.features import SEASONAL
from aiops.detect.metrics.robust import level_and_spread


def expected_values(
    window: np.ndarray, x: float, detector: int, base: float
) -> tuple[float, float]:
    """(expected, z): the window's median (or last period's value for the seasonal
    detector), and |x - expected| in robust sigmas of the window."""
    if len(window) == 0:
        return math.nan, 0.0
    level, spread = level_and_spread(window[None, :])
    expected = base if detector == SEASONAL and not math.isnan(base) else float(level[0])
    return expected, abs(x - expected) / float(spread[0])
