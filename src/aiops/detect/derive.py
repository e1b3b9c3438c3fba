"""Derived series: what a person would chart from raw scrapes, by Prometheus conventions only.

    counter  (`*_total`)                  → per-second rate of the family (labels summed)
    counter with a `status`/`code` label  → share of 5xx among its increments (error ratio)
    histogram (`*_bucket` with `le`)      → p95 of the observations since the last point
    gauge    (anything else)              → as-is, one series per label set

Series are kept per scrape target: the labels every sample of one scrape shares (job,
instance, ...) stay; the others are summed away. Ratios and quantiles wait until at least
`min_events` observations have accumulated, so a quiet minute is a gap rather than a
0-or-1 coin flip. Counter resets (a restart) count the new value as the increase; NaN
and out-of-order samples are skipped; a gap longer than `max_gap_s` starts afresh.
No metric name is special-cased.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aiops.model import Sample
from aiops.rules.series import histogram_quantile

ERROR_LABELS = ("status", "code", "status_code")
SKIP_SUFFIXES = ("_created", "_info")  # creation stamps and constant info metrics


@dataclass(frozen=True)
class Point:
    """One value of a derived series. `family` is the alerting unit (e.g. `p95:http_x`)."""

    family: str
    series: str
    kind: str  # rate | error_ratio | quantile | gauge
    value: float
    at: datetime
    service: str | None
    ci: str | None
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class _Pending:
    """Increments accumulated until there are enough to judge (ratios, quantiles)."""

    total: float = 0.0
    errors: float = 0.0
    buckets: dict[float, float] = field(default_factory=dict)


def _series(family: str, labels: dict[str, str]) -> str:
    if not labels:
        return family
    return family + "{" + ",".join(f"{k}={v}" for k, v in sorted(labels.items())) + "}"


def increase(prev: float | None, cur: float) -> float:
    """Counter increase between two reads; a drop is a reset (the new value is the rise)."""
    if prev is None:
        return cur
    return cur - prev if cur >= prev else cur


class Deriver:
    """Turns each scrape (the samples of one source at one time) into derived points."""

    def __init__(
        self, *, quantile: float = 0.95, min_events: float = 5.0, max_gap_s: float = 60.0
    ) -> None:
        self.quantile = quantile
        self.min_events = min_events
        self.max_gap_s = max_gap_s
        self._last: dict[tuple[str, str], float] = {}  # (source, series_key) → counter value
        self._when: dict[str, float] = {}  # source → time of its last scrape
        self._pending: dict[tuple[str, str], _Pending] = defaultdict(_Pending)

    def add(self, samples: Sequence[Sample]) -> list[Point]:
        by_source: dict[str, list[Sample]] = defaultdict(list)
        for s in samples:
            by_source[s.source].append(s)
        out: list[Point] = []
        for source, batch in by_source.items():
            out.extend(self._scrape(source, batch))
        return out

    def _scrape(self, source: str, batch: list[Sample]) -> list[Point]:
        at = max(s.timestamp for s in batch)
        t = at.timestamp()
        prev_t = self._when.get(source)
        if prev_t is not None and t <= prev_t:
            return []  # out of order or a repeat
        self._when[source] = t
        fresh = prev_t is None or t - prev_t > self.max_gap_s
        if fresh and prev_t is not None:  # after a long gap the old reads mean nothing
            self._forget(source)
        target = _common_labels(batch)
        first = batch[0]
        ctx = (at, first.service, first.ci, target)
        buckets = {s.name[: -len("_bucket")] for s in batch if _is_bucket(s)}
        counters: dict[str, list[Sample]] = defaultdict(list)
        hists: dict[str, list[Sample]] = defaultdict(list)
        out: list[Point] = []
        for s in batch:
            base = _base_of(s.name)
            if s.name.endswith(SKIP_SUFFIXES) or base in buckets and not _is_bucket(s):
                continue
            if _is_bucket(s):
                hists[s.name[: -len("_bucket")]].append(s)
            elif s.name.endswith("_total"):
                counters[s.name].append(s)
            elif math.isfinite(s.value):
                out.append(_gauge(s, ctx))
        dt = None if fresh or prev_t is None else t - prev_t
        for name, group in counters.items():
            out.extend(self._counter(source, name, group, dt, ctx))
        for name, group in hists.items():
            out.extend(self._histogram(source, name, group, dt, ctx))
        return out

    def _forget(self, source: str) -> None:
        for key in [k for k in self._last if k[0] == source]:
            del self._last[key]
        for key in [k for k in self._pending if k[0] == source]:
            del self._pending[key]

    def _increases(self, source: str, group: list[Sample], dt: float | None) -> list[float | None]:
        """Increase of each sample's series since the last scrape (None: nothing to compare)."""
        out: list[float | None] = []
        for s in group:
            key = (source, s.series_key)
            if not math.isfinite(s.value):
                out.append(None)
                continue
            prev = self._last.get(key)
            self._last[key] = s.value
            # a series new since the last scrape started from zero (client libraries
            # create a child at its first increment)
            out.append(None if dt is None else increase(prev, s.value))
        return out

    def _counter(
        self, source: str, name: str, group: list[Sample], dt: float | None, ctx: tuple
    ) -> list[Point]:
        incs = self._increases(source, group, dt)
        if dt is None or dt <= 0:
            return []
        total = sum(i for i in incs if i is not None)
        out = [_point(f"rate:{name}", "rate", total / dt, ctx)]
        label = next((k for k in ERROR_LABELS if any(k in s.labels for s in group)), None)
        if label is not None:
            errs = sum(
                i for i, s in zip(incs, group, strict=True)
                if i is not None and s.labels.get(label, "").startswith("5")
            )  # fmt: skip
            pend = self._pending[(source, f"ratio:{name}")]
            pend.total += total
            pend.errors += errs
            if pend.total >= self.min_events:
                out.append(_point(f"error_ratio:{name}", "error_ratio",
                                  pend.errors / pend.total, ctx))  # fmt: skip
                self._pending[(source, f"ratio:{name}")] = _Pending()
        return out

    def _histogram(
        self, source: str, base: str, group: list[Sample], dt: float | None, ctx: tuple
    ) -> list[Point]:
        incs = self._increases(source, group, dt)
        if dt is None:
            return []
        pend = self._pending[(source, f"hist:{base}")]
        for inc, s in zip(incs, group, strict=True):
            le = _le(s)
            if inc is not None and le is not None:
                pend.buckets[le] = pend.buckets.get(le, 0.0) + inc
        count = pend.buckets.get(math.inf, 0.0)
        if count < self.min_events:
            return []
        self._pending[(source, f"hist:{base}")] = _Pending()
        q = histogram_quantile(self.quantile, sorted(pend.buckets.items()))
        if not math.isfinite(q):
            return []
        return [_point(f"p{round(self.quantile * 100)}:{base}", "quantile", q, ctx)]


def _is_bucket(s: Sample) -> bool:
    return s.name.endswith("_bucket") and "le" in s.labels


def _base_of(name: str) -> str:
    for suffix in ("_count", "_sum", "_created"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _le(s: Sample) -> float | None:
    try:
        return float(s.labels["le"])
    except (KeyError, ValueError):
        return None


def _common_labels(batch: list[Sample]) -> dict[str, str]:
    common = dict(batch[0].labels)
    for s in batch[1:]:
        for k in [k for k, v in common.items() if s.labels.get(k) != v]:
            del common[k]
    return common


def _point(family: str, kind: str, value: float, ctx: tuple) -> Point:
    at, service, ci, target = ctx
    return Point(family, _series(family, target), kind, value, at, service, ci, dict(target))


def _gauge(s: Sample, ctx: tuple) -> Point:
    at, service, ci, _ = ctx
    return Point(s.name, s.series_key, "gauge", s.value, s.timestamp, s.service, s.ci,
                 dict(s.labels))  # fmt: skip


__all__ = ["ERROR_LABELS", "Deriver", "Point", "increase"]
