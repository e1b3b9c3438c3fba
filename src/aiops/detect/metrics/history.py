"""The last `capacity` (timestamp, value) pairs of many series, for the multi-series bank.

The bank's twin of the `Ring`s `SeriesDetector` keeps for `_stamps` and `_values`: one
row per series, a circular buffer each (oldest overwritten, never doubled, so a row costs
16 bytes per sample kept). It answers what the features and the seasonal detector ask of
the past: the last few values, the last `window` values, and the sample nearest to each
seasonal lag. A lag's target only moves forward, so the search starts where it ended
last time and usually moves one sample: O(1) per step whatever the capacity; rows that
paused or just started finish with a binary search (log2 capacity rounds), all at once.
"""

from __future__ import annotations

import numpy as np

from aiops.detect.metrics.seasonal import TOLERANCE

SCAN = 3  # lag pointers first step forward one sample at a time, this many times at most


class History:
    """Per row: the newest min(total, capacity) samples, by absolute index (0 = the first
    since the last reset) at slot index % capacity."""

    _stamps: np.ndarray  # (rows, capacity)
    _values: np.ndarray  # (rows, capacity)
    _total: np.ndarray  # (rows,)
    _lag_at: np.ndarray  # (rows, lags)

    def __init__(self, capacity: int, lags: int, rows: int) -> None:
        self.capacity = capacity
        self.lags = lags
        self.rows = 0
        self._alloc(rows)

    def _alloc(self, rows: int) -> None:
        old = (self._stamps, self._values, self._total, self._lag_at) if self.rows else None
        self._stamps = np.zeros((rows, self.capacity))
        self._values = np.zeros((rows, self.capacity))
        self._total = np.zeros(rows, dtype=np.int64)  # samples pushed since the last reset
        self._lag_at = np.zeros((rows, self.lags), dtype=np.int64)  # see `_search`
        if old is not None:
            n = self.rows
            self._stamps[:n], self._values[:n], self._total[:n], self._lag_at[:n] = old
        self.rows = rows

    def grow(self, rows: int) -> None:
        if rows > self.rows:
            self._alloc(rows)

    @property
    def bytes_per_row(self) -> int:
        return 8 * (2 * self.capacity + 1 + self.lags)

    def reset(self, rows: np.ndarray) -> None:
        self._total[rows] = 0
        self._lag_at[rows] = 0

    def push(self, rows: np.ndarray, ts: np.ndarray, x: np.ndarray) -> None:
        total = self._total[rows]
        slot = total % self.capacity
        self._stamps[rows, slot] = ts
        self._values[rows, slot] = x
        self._total[rows] = total + 1

    def recent(self, rows: np.ndarray, k: int) -> np.ndarray:
        """(len(rows), k): the last k values, oldest first; rows holding fewer give junk
        in front (the caller knows how many it pushed)."""
        slots = (self._total[rows][:, None] - np.arange(k, 0, -1)) % self.capacity
        values: np.ndarray = self._values[rows[:, None], slots]
        return values

    def window(self, row: int, k: int) -> np.ndarray:
        """The newest min(k, count) values of one row, oldest first (a new array)."""
        total = int(self._total[row])
        n = min(k, total, self.capacity)
        values: np.ndarray = self._values[row, np.arange(total - n, total) % self.capacity]
        return values

    def residual(
        self,
        rows: np.ndarray,
        ts: np.ndarray,
        x: np.ndarray,
        interval: np.ndarray,
        period_s: float,
        lags: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Twin of `scalar.residual` for one sample of each row (rows hold >= 1 sample).

        Lags are taken in order 1..lags and the first closest residual wins, as there.
        """
        total = self._total[rows][:, None]
        oldest = np.maximum(total - self.capacity, 0)
        k = np.arange(1, lags + 1, dtype=float)
        target = ts[:, None] - k * period_s  # (m, lags)
        pos = self._search(rows, oldest, total, target)  # absolute index of searchsorted
        left = np.clip(pos - 1, oldest, total - 1) % self.capacity
        right = np.clip(pos, oldest, total - 1) % self.capacity
        r2 = rows[:, None]
        d_left = np.abs(self._stamps[r2, left] - target)
        d_right = np.abs(self._stamps[r2, right] - target)
        then = self._values[r2, np.where(d_right < d_left, right, left)]
        found = np.minimum(d_left, d_right) <= (TOLERANCE * interval)[:, None]
        best = np.full(len(rows), np.nan)
        base = np.full(len(rows), np.nan)
        for j in range(lags):
            candidate = x - then[:, j]
            take = found[:, j] & (np.isnan(best) | (np.abs(candidate) < np.abs(best)))
            best = np.where(take, candidate, best)
            base = np.where(take, then[:, j], base)
        return best, base

    def _search(
        self, rows: np.ndarray, oldest: np.ndarray, total: np.ndarray, target: np.ndarray
    ) -> np.ndarray:
        """`np.searchsorted(stamps, target)` on each row's samples, as an absolute index.

        A lag's target only moves forward (timestamps increase), so its answer never moves
        back: each (row, lag) keeps the last answer and steps forward from it, about one
        sample per step. Rows still short after `SCAN` steps (a pause, a new series) finish
        with a binary search over the rest, all such rows in step.
        """
        at: np.ndarray = np.maximum(self._lag_at[rows], oldest)
        for _ in range(SCAN):
            ahead = self._before(rows, at, total, target)
            if not ahead.any():
                break
            at += ahead
        else:
            ahead = self._before(rows, at, total, target)
            if ahead.any():
                i, j = np.nonzero(ahead)
                at[i, j] = self._bisect(rows[i], at[i, j], total[i, 0], target[i, j])
        self._lag_at[rows] = at
        return at

    def _before(
        self, rows: np.ndarray, at: np.ndarray, total: np.ndarray, target: np.ndarray
    ) -> np.ndarray:
        """Whether a sample exists at absolute index `at` and is older than `target`."""
        stamps = self._stamps[rows[:, None], np.minimum(at, total - 1) % self.capacity]
        before: np.ndarray = (at < total) & (stamps < target)
        return before

    def _bisect(
        self, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray, target: np.ndarray
    ) -> np.ndarray:
        """First absolute index in [lo, hi] whose stamp is >= target (hi = none), for
        rows whose stamp at lo is known to be < target: binary lifting, log2(capacity)
        rounds for all of them at once."""
        found: np.ndarray = lo + 1  # indices below `found` are known to be < target
        step = 1 << (self.capacity.bit_length() - 1)
        while step:
            cand = found + step  # is the stamp at cand - 1 < target?
            ok = cand <= hi
            slot = (np.minimum(cand, hi) - 1) % self.capacity
            found += step * (ok & (self._stamps[rows, slot] < target))
            step >>= 1
        return found
