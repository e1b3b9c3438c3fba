"""SeriesFleet: many keyed series over `DetectorBank`s, one bank per detector config.

A batch of samples (a scrape: many series, one sample each; or any mix) is scored as
if each sample had gone, in order, to its own `SeriesDetector`: the k-th sample of a
series in the batch goes to the bank in step k, so each series still sees its samples
in order while one step serves every series. Series are independent, so only two
things could tell the reordering apart, and neither does:

* eviction: past `max_series` the least recently seen series is forgotten, decided
  sample by sample in input order exactly as `MetricDetector` always did; when that
  series has samples earlier in the same batch (the batch alone holds `max_series`
  series), the steps planned so far are run first, so its row is free before reuse;
* configs: a series' config is chosen when it is first seen (`config_for(i)`), and
  series with different configs live in different banks, stepped separately.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from aiops.detect.metrics.bank import DetectorBank, StreamResult
from aiops.detect.metrics.config import DetectorConfig

ROW_BITS = 32
ROW_MASK = (1 << ROW_BITS) - 1


class SeriesFleet:
    """Streaming detectors for up to `max_series` keyed series (least recently seen out)."""

    def __init__(self, max_series: int = 10_000) -> None:
        self.max_series = max_series
        self._where: OrderedDict[str, int] = OrderedDict()  # key -> bank << ROW_BITS | row
        self._banks: list[DetectorBank] = []
        self._numbers: dict[DetectorConfig, int] = {}  # config -> its bank's index

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def __iter__(self) -> Iterator[str]:
        """Keys, least recently seen first."""
        return iter(self._where)

    @property
    def banks(self) -> list[DetectorBank]:
        return list(self._banks)

    def score(
        self,
        keys: Sequence[str],
        ts: Sequence[float] | np.ndarray,
        values: Sequence[float] | np.ndarray,
        config_for: DetectorConfig | Callable[[int], DetectorConfig],
    ) -> StreamResult:
        """Score sample i = (`keys[i]`, `ts[i]` in seconds, `values[i]`), in input order.

        `config_for(i)` gives the config of a series first seen at sample i (or one config
        for all). Equal to feeding each series' samples to its own `SeriesDetector`.
        """
        ts = np.asarray(ts, dtype=float)
        values = np.asarray(values, dtype=float)
        parts: list[tuple[np.ndarray, StreamResult]] = []  # (sample positions, their results)
        where, start = self._where, 0
        codes: list[int] = []  # bank << ROW_BITS | row of each sample since `start`
        touched: set[str] | None = None  # keys since `start`, tracked once eviction begins
        for i, key in enumerate(keys):
            code = where.pop(key, None)
            if code is None:
                if len(where) >= self.max_series:
                    touched = set(keys[start:i]) if touched is None else touched
                    if next(iter(where)) in touched:  # score its samples before reusing its row
                        parts += self._run(codes, start, ts, values)
                        codes, start, touched = [], i, set()
                    self._evict_oldest()
                cfg = config_for if isinstance(config_for, DetectorConfig) else config_for(i)
                code = self._add(cfg)
            where[key] = code
            codes.append(code)
            if touched is not None:
                touched.add(key)
        parts += self._run(codes, start, ts, values)
        if len(parts) == 1 and len(parts[0][0]) == len(ts):
            return parts[0][1]  # one step held every sample, in input order (a scrape)
        out = StreamResult.empty(ts, values)
        for at, result in parts:
            out.take(at, result)
        return out

    def forget(self, key: str) -> bool:
        """Drop a series' memory: its next sample starts it afresh (warm-up included).
        False when the fleet did not know it."""
        code = self._where.pop(key, None)
        if code is None:
            return False
        self._banks[code >> ROW_BITS].remove(code & ROW_MASK)
        return True

    def _evict_oldest(self) -> None:
        _, code = self._where.popitem(last=False)
        self._banks[code >> ROW_BITS].remove(code & ROW_MASK)

    def _add(self, cfg: DetectorConfig) -> int:
        """A row for a new series, as a code: bank number << ROW_BITS | row."""
        number = self._numbers.get(cfg)
        if number is None:
            number = self._numbers[cfg] = len(self._banks)
            self._banks.append(DetectorBank(cfg, max_rows=self.max_series))
        return number << ROW_BITS | self._banks[number].add()

    def _run(
        self, codes: list[int], start: int, ts: np.ndarray, x: np.ndarray
    ) -> list[tuple[np.ndarray, StreamResult]]:
        """Score samples start .. start + len(codes) - 1 (code = bank and row of each)."""
        done: list[tuple[np.ndarray, StreamResult]] = []
        if not codes:
            return done
        code = np.array(codes, dtype=np.int64)
        number, rows = code >> ROW_BITS, code & ROW_MASK
        idx = np.arange(start, start + len(codes))
        numbers = [int(number[0])] if (number == number[0]).all() else np.unique(number).tolist()
        for g in numbers:
            mine = np.flatnonzero(number == g) if len(numbers) > 1 else slice(None)
            bank = self._banks[g]
            for part in steps(rows[mine]):  # the k-th sample of each series in step k
                r, at = (
                    (rows[mine], idx[mine]) if part is None else (rows[mine][part], idx[mine][part])
                )
                done.append((at, bank.step(r, ts[at], x[at])))
        return done


def steps(rows: np.ndarray) -> list[np.ndarray | None]:
    """Positions of the 1st, 2nd, .. sample of each row, in input order (None = all,
    the common case of distinct rows)."""
    m = len(rows)
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    first = np.ones(m, dtype=bool)
    first[1:] = sorted_rows[1:] != sorted_rows[:-1]
    if first.all():
        return [None]
    group_start = np.maximum.accumulate(np.where(first, np.arange(m), 0))
    occurrence = np.empty(m, dtype=np.int64)
    occurrence[order] = np.arange(m) - group_start
    return [np.flatnonzero(occurrence == k) for k in range(int(occurrence.max()) + 1)]
