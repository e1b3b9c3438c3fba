"""Block sliding maxima (van Herk) for many rows equal the max over each row's last h values."""

from __future__ import annotations

import numpy as np
import pytest

from aiops.detect.metrics.blockmax import SlidingMax, plan

HORIZONS = [(512, 1024, 2048), (5, 20), (16, 32, 64), (5, 7), (3,), (1000, 2048), (1,), (7, 100, 5)]


@pytest.mark.parametrize("horizons", HORIZONS, ids=str)
def test_block_maxima_equal_the_max_of_the_last_h_values(horizons: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(horizons))
    n_rows, channels, fill = 6, 3, -np.inf
    sliding = SlidingMax(horizons, channels, 2)
    sliding.grow(n_rows)  # keeps what the first rows hold
    steps = 2 * max(horizons) + 40
    past = np.empty((n_rows, steps, channels))  # every value pushed, per row
    held = np.zeros(n_rows, dtype=int)  # values since the row's reset
    for step in range(steps):
        rows = np.flatnonzero(rng.random(n_rows) < 0.7)  # each row at its own offset
        if step % 97 == 5 and len(rows):
            sliding.reset(rows[:1])
            held[rows[0]] = 0
        got = sliding.read(rows)
        for k, r in enumerate(rows.tolist()):
            for i, h in enumerate(horizons):
                window = past[r, max(0, held[r] - h) : held[r]]
                want = window.max(axis=0) if len(window) else np.full(channels, fill)
                assert np.array_equal(got[k, i], want), (step, r, h)
        values = rng.normal(size=(len(rows), channels))
        values[rng.random(values.shape) < 0.1] = fill  # NaN, as the bank stores it
        sliding.push(rows, values)
        past[rows, held[rows]] = values
        held[rows] += 1


def test_a_zero_fill_reads_zero_before_any_value() -> None:
    sliding = SlidingMax((4,), 1, 2, fill=0.0)
    assert (sliding.read(np.array([0, 1])) == 0.0).all()


def test_horizons_with_a_small_gcd_get_a_structure_each() -> None:
    assert plan((512, 1024, 2048)) == [(512, 1024, 2048)]
    assert plan((7, 100, 5)) == [(7,), (100,), (5,)]
