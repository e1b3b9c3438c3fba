"""A short in-memory history of the samples the rules read, with Prometheus' range maths.

Only metrics some rule names are kept, and only for the longest window a rule needs,
so memory is bounded by (series × window / scrape interval).
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from aiops.model import Sample
from aiops.rules.config import Selector

MAX_POINTS = 20_000  # per series; a runaway sender cannot grow memory without bound


@dataclass
class Series:
    name: str
    labels: dict[str, str]
    points: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=MAX_POINTS))

    def window(self, start: float, end: float) -> list[tuple[float, float]]:
        """Points with start < t <= end (Prometheus' left-open range)."""
        return [p for p in self.points if start < p[0] <= end]


class SeriesStore:
    """Samples by series, for the metric names in `wanted`, kept for `retention_s`."""

    def __init__(self, wanted: Iterable[str], retention_s: float) -> None:
        self.wanted = set(wanted)
        self.retention_s = retention_s
        self._by_name: dict[str, dict[tuple[str, str], Series]] = {}

    def add(self, sample: Sample) -> None:
        if sample.name not in self.wanted or not math.isfinite(sample.value):
            return
        key = (sample.source, sample.series_key)
        series = self._by_name.setdefault(sample.name, {}).get(key)
        if series is None:
            series = Series(sample.name, dict(sample.labels))
            self._by_name[sample.name][key] = series
        t = sample.timestamp.timestamp()
        if series.points and t <= series.points[-1][0]:
            return  # out of order or a repeat: the first word stands
        series.points.append((t, sample.value))

    def prune(self, now: float) -> None:
        horizon = now - self.retention_s
        for name, group in self._by_name.items():
            for key in [k for k, s in group.items() if _drop_before(s, horizon)]:
                del group[key]
            if not group:
                self._by_name[name] = {}

    def select(self, sel: Selector, *, metric: str | None = None) -> Iterator[Series]:
        """Series of `metric` (default `sel.metric`) matching the selector's labels."""
        regexes = {k: re.compile(v) for k, v in sel.match_re.items()}
        for series in self._by_name.get(metric or sel.metric, {}).values():
            labels = series.labels
            if any(labels.get(k, "") != v for k, v in sel.match.items()):
                continue
            if any(not r.fullmatch(labels.get(k, "")) for k, r in regexes.items()):
                continue
            yield series


def _drop_before(series: Series, horizon: float) -> bool:
    """Drop old points; True when the series has none left."""
    pts = series.points
    while pts and pts[0][0] < horizon:
        pts.popleft()
    return not pts


def extrapolated_rate(
    points: list[tuple[float, float]], start: float, end: float, *, is_rate: bool = True
) -> float | None:
    """Prometheus' rate()/increase() of a counter over (start, end]; None under 2 points.

    Counter resets are added back, and the delta is extrapolated to the window edges
    the way promql/functions.go does, so thresholds mean what they mean in Prometheus.
    """
    if len(points) < 2:
        return None
    first_t, first_v = points[0]
    last_t, last_v = points[-1]
    delta = last_v - first_v
    prev = first_v
    for _, v in points[1:]:
        if v < prev:
            delta += prev  # a reset: the counter restarted from zero
        prev = v
    sampled = last_t - first_t
    if sampled <= 0:
        return None
    avg_step = sampled / (len(points) - 1)
    to_start, to_end = first_t - start, end - last_t
    if delta > 0 and first_v >= 0:
        to_start = min(to_start, sampled * (first_v / delta))  # a counter never went below 0
    threshold = avg_step * 1.1
    interval = sampled
    interval += to_start if to_start < threshold else avg_step / 2
    interval += to_end if to_end < threshold else avg_step / 2
    value = delta * (interval / sampled)
    return value / (end - start) if is_rate else value


def histogram_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """Prometheus' histogram_quantile over (upper bound, cumulative count) pairs.

    NaN when there is nothing to say (no +Inf bucket, fewer than 2 buckets, no
    observations); linear interpolation inside the bucket that holds the rank.
    """
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    bs = sorted(buckets)
    if len(bs) < 2 or not math.isinf(bs[-1][0]):
        return math.nan
    counts, top = [], 0.0
    for _, c in bs:  # a scrape between bucket updates can be non-monotonic; smooth it
        top = max(top, c)
        counts.append(top)
    total = counts[-1]
    if total <= 0 or math.isnan(total):
        return math.nan
    rank = q * total
    b = next(i for i, c in enumerate(counts) if c >= rank)
    if b == len(bs) - 1:
        return bs[-2][0]
    upper = bs[b][0]
    if b == 0 and upper <= 0:
        return upper
    lower = 0.0 if b == 0 else bs[b - 1][0]
    below = 0.0 if b == 0 else counts[b - 1]
    in_bucket = counts[b] - below
    if in_bucket <= 0:
        return upper
    return lower + (upper - lower) * ((rank - below) / in_bucket)
