"""The bank's history finds seasonal lags as `scalar.residual` does on one series' ring."""

from __future__ import annotations

import numpy as np
import pytest

from aiops.detect.metrics import scalar
from aiops.detect.metrics.history import History


@pytest.mark.parametrize("capacity", [16, 50, 64])
def test_lag_search_equals_the_scalar_twin(capacity: int) -> None:
    rng = np.random.default_rng(capacity)
    n_rows, period, lags = 4, 100.0, 3
    history = History(capacity, lags, n_rows)
    stamps: list[list[float]] = [[] for _ in range(n_rows)]
    values: list[list[float]] = [[] for _ in range(n_rows)]
    t = rng.uniform(0.0, 10.0, n_rows)
    for _ in range(400):
        rows = np.flatnonzero(rng.random(n_rows) < 0.8)
        steps = rng.choice([10.0, 10.0, 9.0, 25.0, 400.0], len(rows))  # some long pauses
        prev = t[rows].copy()
        t[rows] += steps
        x = rng.normal(size=len(rows))
        live = np.array([len(stamps[r]) > 0 for r in rows.tolist()], dtype=bool)
        if live.any():
            r = rows[live]
            got = history.residual(r, t[r], x[live], t[r] - prev[live], period, lags)
            for k, row in enumerate(r.tolist()):
                want = scalar.residual(np.array(stamps[row][-capacity:]),
                                       np.array(values[row][-capacity:]), float(t[row]),
                                       float(x[live][k]), float(t[row] - prev[live][k]),
                                       period, lags)  # fmt: skip
                assert np.array_equal(np.array(want), [got[0][k], got[1][k]], equal_nan=True)
        history.push(rows, t[rows], x)
        for k, row in enumerate(rows.tolist()):
            stamps[row].append(float(t[row]))
            values[row].append(float(x[k]))


def test_window_and_recent_give_the_newest_values_oldest_first() -> None:
    history = History(4, 0, 1)
    row = np.array([0])
    for i in range(6):
        history.push(row, np.array([float(i)]), np.array([10.0 + i]))
    assert history.window(0, 3).tolist() == [13.0, 14.0, 15.0]
    assert history.window(0, 9).tolist() == [12.0, 13.0, 14.0, 15.0]
    assert history.recent(row, 2).tolist() == [[14.0, 15.0]]
