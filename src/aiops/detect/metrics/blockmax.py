"""Sliding maxima over the last h values, for many series at once, O(1) amortised per value.

The streaming twin of `windows.past_max` (van Herk / Gil-Werman), for the multi-series
bank: each row (series) pushes at most one value per step, and rows may sit at different
places in their blocks. Values are cut in blocks of `block` values (the gcd of the
horizons) and each row keeps its last `K = max(h) / block` blocks in a ring:

* a completed block holds its suffix maxima (the max from each offset to its end);
* the current block holds its raw values at offsets below `r` (the next offset) and,
  from `r` on, still the suffix maxima of the block K back, which the longest horizon
  reads at offset r before the step overwrites it;
* `prefix` is the running max of the current block, `middle[i]` the max of the whole
  blocks between, for horizon i (refreshed when a block completes).

The max over the last h = m * block values is then max(suffix of the block m back at
offset r, middle, prefix) whatever r: a few gathers per step, and O(block + K) work
once per block. Max is exact in any order, so this agrees to the bit with `np.fmax`
over the same window (NaN is stored as `fill` by the caller). A row's window starts at
its last `reset`: slots before that hold `fill`, as a short window holds nothing.

`channels` values per row are pushed together (the bank pushes each feature and its
negation, so one structure gives maxima and minima of every feature).
"""

from __future__ import annotations

import math

import numpy as np

MAX_BLOCKS = 64  # above this, horizons with a small gcd get one structure each


class BlockMax:
    """Max of the last h values for each h in `horizons` (all multiples of `block`)."""

    _ring: np.ndarray  # (rows * K * block, channels)
    _prefix: np.ndarray  # (rows, channels)
    _middle: np.ndarray  # (rows, horizons, channels)
    _pos: np.ndarray  # (rows,)

    def __init__(
        self, horizons: tuple[int, ...], channels: int, rows: int, *, fill: float = -np.inf
    ) -> None:
        self.horizons = horizons
        self.block = math.gcd(*horizons)
        self.blocks = max(horizons) // self.block
        self.back = np.array([h // self.block for h in horizons])  # m: blocks back per horizon
        self.channels = channels
        self.fill = fill
        self.rows = 0
        self._alloc(rows)

    def _alloc(self, rows: int) -> None:
        span, c, nh = self.blocks * self.block, self.channels, len(self.horizons)
        old = (self._ring, self._prefix, self._middle, self._pos) if self.rows else None
        self._ring = np.full((rows * span, c), self.fill)  # row r's ring: r*span .. +span
        self._prefix = np.full((rows, c), self.fill)
        self._middle = np.full((rows, nh, c), self.fill)
        self._pos = np.zeros(rows, dtype=np.int64)  # offset of the next value in the ring
        if old is not None:
            n = self.rows
            self._ring[: n * span], self._prefix[:n], self._middle[:n], self._pos[:n] = old
        self.rows = rows

    def grow(self, rows: int) -> None:
        if rows > self.rows:
            self._alloc(rows)

    @property
    def bytes_per_row(self) -> int:
        return int(
            self._ring.itemsize
            * self.channels
            * (self.blocks * self.block + 1 + len(self.horizons))
            + self._pos.itemsize
        )

    def reset(self, rows: np.ndarray) -> None:
        """Forget every value of `rows` (a new series, or one restarting after a gap)."""
        span = self.blocks * self.block
        flat = (rows[:, None] * span + np.arange(span)).ravel()
        self._ring[flat] = self.fill
        self._prefix[rows] = self.fill
        self._middle[rows] = self.fill
        self._pos[rows] = 0

    def read(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), len(horizons), channels): max of each row's last h values, or `fill`."""
        pos = self._pos[rows]
        r, cur = pos % self.block, pos // self.block
        slot = (cur[:, None] - self.back) % self.blocks
        flat = (rows * (self.blocks * self.block) + r)[:, None] + slot * self.block
        out: np.ndarray = np.maximum(self._ring[flat], self._middle[rows])
        np.maximum(out, self._prefix[rows][:, None, :], out=out)
        return out

    def push(self, rows: np.ndarray, values: np.ndarray) -> None:
        """Append one value per channel to each of `rows` (distinct); NaN must be `fill`."""
        span = self.blocks * self.block
        pos = self._pos[rows]
        self._ring[rows * span + pos] = values
        self._prefix[rows] = np.maximum(self._prefix[rows], values)
        pos = (pos + 1) % span
        self._pos[rows] = pos
        done = pos % self.block == 0
        if done.any():
            self._complete(rows[done], (pos[done] - self.block) % span)

    def _complete(self, rows: np.ndarray, start: np.ndarray) -> None:
        """Turn the just-filled blocks into suffix maxima; refresh `middle` and `prefix`."""
        span, b = self.blocks * self.block, self.block
        base = rows * span
        flat = (base + start)[:, None] + np.arange(b)
        block = self._ring[flat]  # (k, b, c), oldest first
        self._ring[flat] = np.maximum.accumulate(block[:, ::-1], axis=1)[:, ::-1]
        self._prefix[rows] = self.fill
        if self.blocks > 1:
            # maxima of the blocks 1, 2, .. K-1 back from the next one, then running max
            back = np.arange(1, self.blocks)
            first = (start + b)[:, None] - back * b  # start of each block back (mod span)
            block_max = self._ring[base[:, None] + first % span]  # (k, K-1, c)
            between = np.maximum.accumulate(block_max, axis=1)
            for i, m in enumerate(self.back):
                if m > 1:
                    self._middle[rows, i] = between[:, m - 2]


def plan(horizons: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Horizons grouped into structures: one if their gcd keeps the block ring small."""
    if max(horizons) // math.gcd(*horizons) <= MAX_BLOCKS:
        return [tuple(horizons)]
    return [(h,) for h in horizons]


class SlidingMax:
    """`BlockMax` over any horizons: groups them (see `plan`), reads in horizon order."""

    def __init__(
        self, horizons: tuple[int, ...], channels: int, rows: int, *, fill: float = -np.inf
    ) -> None:
        self.parts = [BlockMax(g, channels, rows, fill=fill) for g in plan(horizons)]

    def grow(self, rows: int) -> None:
        for p in self.parts:
            p.grow(rows)

    @property
    def bytes_per_row(self) -> int:
        return sum(p.bytes_per_row for p in self.parts)

    def reset(self, rows: np.ndarray) -> None:
        for p in self.parts:
            p.reset(rows)

    def read(self, rows: np.ndarray) -> np.ndarray:
        if len(self.parts) == 1:
            return self.parts[0].read(rows)
        return np.concatenate([p.read(rows) for p in self.parts], axis=1)

    def push(self, rows: np.ndarray, values: np.ndarray) -> None:
        for p in self.parts:
            p.push(rows, values)
