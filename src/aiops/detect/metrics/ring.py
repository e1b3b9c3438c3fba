"""Fixed-size buffers for the streaming path; memory per series never grows.

`Ring` keeps order: each value is written twice (at i and i + capacity), so the newest
k items are always one contiguous view. `Extremes` does not need order (only its max is
read), so it is a plain circular array.
"""

from __future__ import annotations

import numpy as np


class Ring:
    __slots__ = ("_data", "_cap", "_pos", "count")

    def __init__(self, capacity: int) -> None:
        self._cap = capacity
        self._data = np.zeros(2 * capacity)
        self._pos = 0
        self.count = 0  # items held, at most capacity

    def push(self, value: float) -> None:
        self._data[self._pos] = value
        self._data[self._pos + self._cap] = value
        self._pos = (self._pos + 1) % self._cap
        self.count = min(self.count + 1, self._cap)

    def last(self, k: int) -> np.ndarray:
        """The newest min(k, count) items, oldest first (a view: do not keep it)."""
        k = min(k, self.count)
        end = self._pos + self._cap
        return self._data[end - k : end]

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)


class Extremes:
    """The last `capacity` values (NaN = none) and their max, NaN ignored."""

    __slots__ = ("_data", "_pos")

    def __init__(self, capacity: int, fill: float = np.nan) -> None:
        self._data = np.full(max(capacity, 1), fill)
        self._pos = 0

    def push(self, value: float) -> None:
        self._data[self._pos] = value
        self._pos = (self._pos + 1) % len(self._data)

    def max(self) -> float:
        return float(np.fmax.reduce(self._data))

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)
