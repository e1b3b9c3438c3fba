"""Messy multi-series scrapes for the streaming tests, and a bit-exact `Score` comparison."""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from dataclasses import astuple

import numpy as np

from aiops.detect import DetectorConfig, Score

Sample3 = tuple[str, float, float]  # (series key, timestamp in seconds, value)


def same(a: Score, b: Score) -> bool:
    """Field by field, floats to the bit (NaN equals NaN)."""
    for x, y in zip(astuple(a), astuple(b), strict=True):
        if isinstance(x, float) and isinstance(y, float):
            if not (math.isnan(x) and math.isnan(y)) and struct.pack("<d", x) != struct.pack(
                "<d", y
            ):
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


def scrapes(
    cfg: DetectorConfig, dt: float, n_series: int, steps: int, seed: int, prefix: str = "s"
) -> Iterator[list[Sample3]]:
    """`steps` scrapes of up to `n_series` series, one sample each, in varying order.

    Series join late and miss scrapes; samples are NaN, inf, zero, negative, huge, out of
    order or duplicated; series pause for a long while (within `max_gap_s`) or past it
    (a restart); spikes, level shifts and falls towards zero give the detectors work.
    """
    rng = np.random.default_rng(seed)
    period = cfg.season_s or 86400.0
    t = 1.7e9 + rng.uniform(0.0, dt, n_series)
    last = t.copy()
    join = rng.integers(0, max(1, steps // 3), n_series)
    join[0] = 0
    level = 30.0 + rng.normal(0.0, 5.0, n_series)
    for _ in range(steps):
        batch = []
        for s in rng.permutation(n_series).tolist():
            join[s] -= 1
            if join[s] >= 0 or rng.random() < 0.1:
                continue
            t[s] += dt * rng.choice([1.0, 1.0, 1.0, 0.93, 2.0])
            u = rng.random()
            if u < 0.002:
                t[s] += 1.5 * cfg.max_gap_s  # restart
            elif u < 0.004:
                t[s] += 0.6 * cfg.max_gap_s  # a long pause, same segment
            if rng.random() < 0.002:
                level[s] += 20.0
            ts = float(t[s])
            x = level[s] + 5.0 * math.sin(2 * math.pi * ts / period) + rng.normal(0.0, 1.0)
            ts, x = _spoil(rng, ts, float(x), float(last[s]), dt)
            if ts > last[s]:
                last[s] = ts
            batch.append((f"{prefix}{s}", ts, x))
        yield batch


def _spoil(
    rng: np.random.Generator, ts: float, x: float, last: float, dt: float
) -> tuple[float, float]:
    v = rng.random()
    table: list[tuple[float, tuple[float, float]]] = [
        (0.010, (ts, x + 60.0)),  # spike
        (0.014, (ts, 0.01)),  # fall towards zero
        (0.018, (ts, 0.0)),
        (0.022, (ts, -abs(x))),
        (0.026, (ts, math.nan)),
        (0.029, (ts, math.inf if v < 0.0275 else -math.inf)),
        (0.033, (ts - 3 * dt, x)),  # out of order
        (0.036, (last, x)),  # duplicate timestamp
        (0.038, (math.nan, x)),
        (0.040, (ts, 1e300 if v < 0.039 else -1e300)),  # sums overflow
    ]
    for bound, spoiled in table:
        if v < bound:
            return spoiled
    return ts, x
