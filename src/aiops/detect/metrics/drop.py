"""Drop detector: the logarithm of a positive series, so a fall is judged as a ratio.

A range-exceedance on the raw value sees a fall from 0.2 to 0.001 as a fifth of the
range when the series once rose to 1.0; on a log scale it is a fall by a factor of 200,
far below anything seen. Because the logarithm is concave, its exceedance is never
larger than the raw one above the range and never smaller below it: the feature adds
sensitivity to falls of a positive metric towards zero (traffic, throughput, prices, bytes
written) and none to rises, which stay with the spike detector.

A ratio only means something for a series that stays positive: on one that touches or
crosses zero, any small positive sample would be "infinitely" low. So the feature is
defined only while every sample of the segment so far, or of the last `horizon` samples,
was positive; a zero or a negative sample switches it off until it leaves that horizon.

Both paths take numpy's `log` of a contiguous float array (the streaming path of an array
of one), so they agree to the last bit.
"""

from __future__ import annotations

import numpy as np

NAME = "drop"


def log_of(x: np.ndarray) -> np.ndarray:
    return np.log(np.ascontiguousarray(x, dtype=float))


def positive_run(x: np.ndarray) -> np.ndarray:
    """Number of consecutive positive samples ending at each position (0 where x <= 0)."""
    positive = x > 0.0
    idx = np.arange(1, len(x) + 1)
    last_bad = np.maximum.accumulate(np.where(positive, 0, idx))
    return np.where(positive, idx - last_bad, 0)


def active(run: int | np.ndarray, count: int | np.ndarray, horizon: int) -> bool | np.ndarray:
    """The feature is defined when the last min(count, horizon) samples were all positive.

    `run`: positive samples in a row up to and including this one; `count`: samples in the
    segment up to and including this one.
    """
    return (run > 0) & ((run == count) | (run >= horizon))


def feature(x: np.ndarray, horizon: int) -> np.ndarray:
    out = np.full(len(x), np.nan)
    on = active(positive_run(x), np.arange(1, len(x) + 1), horizon)
    out[on] = log_of(x[on])
    return out
