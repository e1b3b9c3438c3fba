"""Multi-series streaming path: the state of many series of one config in numpy arrays.

`SeriesDetector.update` costs some 24 reductions over rings of up to `horizon` values
per sample, and Python overhead on top; live ingestion sees hundreds of series each
scrape. `DetectorBank.step` takes one sample for each of many series (a scrape) and
runs every operation once for all of them, on arrays with one row per series:

* range extremes over each horizon come from `BlockMax` (van Herk blocks), O(1)
  amortised per sample whatever the horizon; each feature and its negation are pushed
  together, so one read gives every past max and min;
* the sample nearest each seasonal lag is found in each row's `History` from where it
  was last time (a lag only moves forward), with a binary search for all rows in step
  after a pause; the answer is `np.searchsorted`'s, however it is found;
* sums and means keep `SeriesDetector`'s left-to-right order, so every number is the
  same to the bit (`tests/detect/test_metrics_bank.py` holds it to that, field by field).

Memory per series is fixed by the config (`bytes_per_series`): 8 bytes times
2 x 5 x `horizon` (each feature's block ring, max and min) + 2 x `history` (timestamps
and values) + `suppress` (past scores) + a few dozen scalars. That is 197,872 bytes
(193 KiB) for the defaults (a `SeriesDetector` holds 230,176), and 6,560
bytes for the live profile. Arrays grow by doubling up to `max_rows` and never shrink;
rows are handed out by `add` and returned by `remove`; `SeriesFleet` maps keys to rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aiops.detect.metrics import drop
from aiops.detect.metrics.blockmax import SlidingMax
from aiops.detect.metrics.changepoint import ordered_mean
from aiops.detect.metrics.combiner import calibrated, exceedance, novelty_score
from aiops.detect.metrics.config import DetectorConfig
from aiops.detect.metrics.explain import expected_values
from aiops.detect.metrics.features import DETECTORS, DROP, LEVEL, SEASONAL, SPIKE, SPREAD
from aiops.detect.metrics.history import History
from aiops.detect.metrics.robust import level_and_spread
from aiops.detect.metrics.series import Score
from aiops.detect.metrics.status import Status

NF = len(DETECTORS)


@dataclass
class StreamResult:
    """Per input sample, what `SeriesDetector.update` returns as a `Score`, as arrays.

    `detector` indexes DETECTORS (-1 = none); `expected` and `since` are NaN for None.
    """

    ts: np.ndarray
    value: np.ndarray
    score: np.ndarray
    is_anomaly: np.ndarray
    status: np.ndarray  # Status codes (int8)
    detector: np.ndarray
    expected: np.ndarray
    z: np.ndarray
    since: np.ndarray

    @classmethod
    def empty(cls, ts: np.ndarray, value: np.ndarray) -> StreamResult:
        n = len(ts)
        return cls(ts, value, np.zeros(n), np.zeros(n, dtype=bool),
                   np.full(n, Status.ok, dtype=np.int8), np.full(n, -1, dtype=np.int8),
                   np.full(n, np.nan), np.zeros(n), np.full(n, np.nan))  # fmt: skip

    def take(self, where: np.ndarray, part: StreamResult) -> None:
        """Copy `part` (the results of some samples) into positions `where`."""
        for name in self.__dataclass_fields__:
            getattr(self, name)[where] = getattr(part, name)

    def at(self, i: int) -> Score:
        """Sample `i` as the `Score` `SeriesDetector.update` would have returned."""
        det, exp, since = int(self.detector[i]), float(self.expected[i]), float(self.since[i])
        return Score(
            float(self.ts[i]),
            float(self.value[i]),
            float(self.score[i]),
            bool(self.is_anomaly[i]),
            Status(int(self.status[i])),
            DETECTORS[det] if det >= 0 else None,
            None if np.isnan(exp) else exp,
            float(self.z[i]),
            None if np.isnan(since) else since,
        )


class DetectorBank:
    """`SeriesDetector` for many series of one config; rows are series."""

    _last_ts: np.ndarray  # the per-row scalars of `_SCALARS`
    _count: np.ndarray
    _seen: np.ndarray
    _run: np.ndarray
    _mean_sq: np.ndarray
    _since: np.ndarray

    def __init__(self, config: DetectorConfig, rows: int = 16, max_rows: int = 1 << 40) -> None:
        self.config = cfg = config
        self.max_rows = max_rows  # the arrays never grow past this many series
        self.rows = 0
        self._free: list[int] = []
        self._used = 0  # rows ever handed out; those above are untouched
        self._extremes = SlidingMax(cfg.horizons, 2 * NF, 0)  # each feature, then negated
        # past calibrated scores, as `Extremes`; damping 1 or no suppression window keeps
        # every score as it is
        damps = cfg.damping != 1.0 and cfg.suppress > 0
        self._scores = SlidingMax((cfg.suppress,), 1, 0, fill=0.0) if damps else None
        self._history = History(cfg.history, cfg.season_lags if cfg.season_s > 0 else 0, 0)
        self._parts: list[SlidingMax | History] = [self._extremes, self._history]
        if self._scores is not None:
            self._parts.append(self._scores)
        self._grow(max(1, min(rows, max_rows)))

    def _grow(self, rows: int) -> None:
        n = self.rows
        for name, fill, dtype in _SCALARS:
            old = getattr(self, name) if n else None
            new: np.ndarray = np.full((rows, NF) if name == "_seen" else rows, fill, dtype=dtype)
            if old is not None:
                new[:n] = old
            setattr(self, name, new)
        for part in self._parts:
            part.grow(rows)
        self.rows = rows

    @property
    def bytes_per_series(self) -> int:
        """State bytes one series holds, fixed by the config."""
        scalars = sum(np.dtype(d).itemsize * (NF if n == "_seen" else 1) for n, _, d in _SCALARS)
        return scalars + sum(p.bytes_per_row for p in self._parts)

    def add(self) -> int:
        """A row for a new series, in its initial state (grows the arrays when full)."""
        if self._free:
            row = self._free.pop()
        else:
            if self._used == self.rows:
                if self.rows >= self.max_rows:
                    raise ValueError(f"bank full: {self.max_rows} series")
                self._grow(min(2 * self.rows, self.max_rows))
            row = self._used
            self._used += 1
        rows = np.array([row])
        self.reset(rows)
        self._last_ts[rows] = np.nan
        return row

    def remove(self, row: int) -> None:
        self._free.append(row)

    def reset(self, rows: np.ndarray) -> None:
        """Forget the past of `rows` (as `SeriesDetector._reset`); `last_ts` stays."""
        for name, fill, _ in _SCALARS:
            if name != "_last_ts":
                getattr(self, name)[rows] = fill
        for part in self._parts:
            part.reset(rows)

    def step(self, rows: np.ndarray, ts: np.ndarray, values: np.ndarray) -> StreamResult:
        """Score one sample of each of `rows` (distinct), as `SeriesDetector.update` would."""
        ts, values = np.asarray(ts, dtype=float), np.asarray(values, dtype=float)
        finite = np.isfinite(ts) & np.isfinite(values)
        last = self._last_ts[rows]
        late = finite & (ts <= last)  # NaN (no sample yet) compares False
        accepted = finite & ~late
        every = bool(accepted.all())
        ok = np.flatnonzero(accepted)
        r, t, x, prev = (
            (rows, ts, values, last) if every else (rows[ok], ts[ok], values[ok], last[ok])
        )
        if len(r):
            gap = t - prev > self.config.max_gap_s
            if gap.any():
                self.reset(r[gap])
                prev = np.where(gap, np.nan, prev)
            self._last_ts[r] = t
            scored = self._score(r, t, x, prev)
            if every:
                return scored
        out = StreamResult.empty(ts, values)
        out.status[~finite] = Status.invalid
        out.status[late] = Status.out_of_order
        if len(r):
            out.take(ok, scored)
        return out

    def _features(
        self, r: np.ndarray, t: np.ndarray, x: np.ndarray, prev: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Twin of `SeriesDetector._features_of` for one sample of each row."""
        cfg, m = self.config, len(r)
        count = self._count[r]
        f = np.full((m, NF), np.nan)
        f[:, SPIKE] = x
        w = max(cfg.short - 1, cfg.volatility)
        recent = np.empty((m, w + 1))
        recent[:, :w] = self._history.recent(r, w)
        recent[:, w] = x
        with np.errstate(over="ignore", invalid="ignore"):  # junk before a short history
            level = ordered_mean(recent[:, -cfg.short :])
            steps = np.abs(recent[:, 1:] - recent[:, :-1])
            spread = ordered_mean(steps[:, -cfg.volatility :])
        f[:, LEVEL] = np.where(count + 1 >= cfg.short, level, np.nan)
        f[:, SPREAD] = np.where(count >= cfg.volatility, spread, np.nan)
        run = np.where(x > 0.0, self._run[r] + 1, 0)
        self._run[r] = run
        if cfg.drop:
            on = np.flatnonzero(drop.active(run, count + 1, cfg.horizon))
            f[on, DROP] = drop.log_of(x[on])
        base = np.full(m, np.nan)
        if cfg.season_s > 0:
            has = np.flatnonzero(~np.isnan(prev))
            if len(has):
                f[has, SEASONAL], base[has] = self._history.residual(
                    r[has], t[has], x[has], t[has] - prev[has], cfg.season_s, cfg.season_lags
                )
        return f, base

    def _novelty(self, r: np.ndarray, f: np.ndarray) -> np.ndarray:
        """(m, NF): each feature's novelty averaged over the horizons, 0 if not judged;
        then the features are pushed into their range history."""
        cfg = self.config
        ext = self._extremes.read(r)  # (m, horizons, 2 NF)
        e = exceedance(f[:, None, :], ext[:, :, :NF], -ext[:, :, NF:])
        nov = novelty_score(e)
        total = np.zeros(f.shape)
        for i in range(len(cfg.horizons)):  # one time scale after another, as the twins
            total = total + nov[:, i]
        defined = ~np.isnan(f)
        judged = defined & (self._seen[r] >= cfg.warmup)
        scores = np.where(judged, total / len(cfg.horizons), 0.0)
        signed = np.concatenate([f, -f], axis=1)
        signed[np.isnan(signed)] = -np.inf
        self._extremes.push(r, signed)
        self._seen[r] += defined
        return scores

    def _score(self, r: np.ndarray, t: np.ndarray, x: np.ndarray, prev: np.ndarray) -> StreamResult:
        """Twin of `SeriesDetector._score`, for accepted samples of distinct rows."""
        cfg, m = self.config, len(r)
        f, base = self._features(r, t, x, prev)
        scores = self._novelty(r, f)
        best = np.argmax(scores, axis=1)  # first maximum, as the twins
        combined = scores[np.arange(m), best]
        ms = self._mean_sq[r]
        cal = calibrated(combined, ms, cfg.calibration)
        self._mean_sq[r] = ms + (1.0 / cfg.score_memory) * (combined * combined - ms)
        score = cal
        if self._scores is not None:
            recent_max = self._scores.read(r)[:, 0, 0]
            score = np.where(cal > recent_max, cal, cfg.damping * cal)
            self._scores.push(r, cal[:, None])
        out = StreamResult.empty(t, x)
        out.score, out.is_anomaly = score, score >= cfg.threshold
        out.detector = np.where(combined > 0, best, -1).astype(np.int8)
        hits = np.flatnonzero(out.is_anomaly)
        if len(hits):
            out.expected[hits], out.z[hits] = self._explain(
                r[hits], x[hits], best[hits], base[hits]
            )
        self._history.push(r, t, x)
        count = self._count[r]
        out.status = np.where(count < cfg.warmup, Status.warmup, Status.ok).astype(np.int8)
        self._count[r] = count + 1
        since = self._since[r]
        since = np.where(out.is_anomaly & np.isnan(since), t, since)
        since = np.where(~out.is_anomaly & (combined == 0.0), np.nan, since)
        self._since[r] = since
        out.since = np.where(out.is_anomaly, since, np.nan)
        return out

    def _explain(
        self, r: np.ndarray, x: np.ndarray, best: np.ndarray, base: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Twin of `explain.expected_values` for the anomalies of a step (a median each):
        rows with a full window in one matrix, the few younger ones one by one."""
        w = self.config.window
        full = self._count[r] >= w
        expected, z = np.full(len(r), np.nan), np.zeros(len(r))
        if full.any():
            level, spread = level_and_spread(self._history.recent(r[full], w))
            seasonal = (best[full] == SEASONAL) & ~np.isnan(base[full])
            expected[full] = np.where(seasonal, base[full], level)
            z[full] = np.abs(x[full] - expected[full]) / spread
        for i in np.flatnonzero(~full).tolist():
            window = self._history.window(int(r[i]), w)
            expected[i], z[i] = expected_values(window, float(x[i]), int(best[i]), float(base[i]))
        return expected, z


# Per-row scalars: name, initial value, dtype. `_seen` has one column per feature.
_SCALARS: tuple[tuple[str, float, type], ...] = (
    ("_last_ts", np.nan, np.float64),  # NaN: no accepted sample yet
    ("_count", 0, np.int64),  # accepted samples since the last reset
    ("_seen", 0, np.int64),  # defined values of each feature since the last reset
    ("_run", 0, np.int64),  # positive samples in a row (the drop detector)
    ("_mean_sq", 0.0, np.float64),  # of past combined scores, for calibration
    ("_since", np.nan, np.float64),  # start of the current episode; NaN = none
)
