"""Sliding-window extremes for the batch path (numpy, O(n) whatever the window)."""

from __future__ import annotations

import numpy as np


def past_max(z: np.ndarray, horizon: int) -> np.ndarray:
    """Largest of the `horizon` values before each position, NaN ignored (-inf if none)."""
    n = len(z)
    if n == 0 or horizon == 0:
        return np.full(n, -np.inf)
    clean = np.where(np.isnan(z), -np.inf, z)
    padded = np.concatenate([np.full(horizon, -np.inf), clean])
    return _sliding_max(padded, horizon)[:n]


def past_min(z: np.ndarray, horizon: int) -> np.ndarray:
    return -past_max(-z, horizon)


def _sliding_max(a: np.ndarray, w: int) -> np.ndarray:
    """Max over each run of `w` values (van Herk / Gil-Werman)."""
    n = len(a)
    m = -(-n // w) * w
    pad = np.concatenate([a, np.full(m - n, -np.inf)]).reshape(-1, w)
    prefix = np.maximum.accumulate(pad, axis=1).ravel()
    suffix = np.maximum.accumulate(pad[:, ::-1], axis=1)[:, ::-1].ravel()
    count = n - w + 1
    return np.maximum(suffix[:count], prefix[w - 1 : w - 1 + count])
