"""Recent raw samples → the per-CI metric series a `Case` holds (rates, means, levels).

The platform keeps a short in-memory history of every scraped series. Counters are
cumulative, so each becomes a rate; a histogram or summary (`_sum` + `_count`) becomes
the mean per event (mean query time); everything else is read as a level. Series of one
metric on one CI (one per label set: route, status, instance) are added up (rates) or
averaged (levels) per time bin, since a fault shows in the total and per-label noise
would only add false alarms.

Which CI a series belongs to: the first CI whose `metrics` attribute in `cmdb.yaml`
(comma-separated glob patterns, e.g. `metrics: "sulu_db_*, sulu_queue_depth"`) matches
the metric name, else the sample's own `ci` (the source's configured CI).
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from aiops.diagnose.case import MetricKind, Series, kind_of
from aiops.model.cmdb import Cmdb

_SKIP_SUFFIXES = ("_bucket", "_created")
_EXTRA_KINDS = (  # words kind_of leaves as "other" that a fault metric often uses
    (MetricKind.errors, re.compile(r"^(timeouts?|rejected|dropped|lost)$")),
    (MetricKind.latency, re.compile(r"^(lag|wait\w*)$")),
)


@dataclass(frozen=True)
class RawSeries:
    """One series as the platform holds it: name, labels, owning CI, (unix s, value) points."""

    name: str
    labels: Mapping[str, str]
    ci: str | None
    points: Sequence[tuple[float, float]]


@dataclass
class _Acc:
    kind: str  # "rate" | "level" | "mean"
    bins: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    den: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))


def patterns(cmdb: Cmdb | None, attribute: str) -> list[tuple[str, str]]:
    """(glob, CI) pairs from each CI's `attribute` (comma-separated globs), in CMDB order."""
    out: list[tuple[str, str]] = []
    for ci in cmdb.cis if cmdb else []:
        value = ci.attributes.get(attribute)
        if isinstance(value, str):
            out += [(p.strip(), ci.name) for p in value.split(",") if p.strip()]
    return out


def ci_for(name: str, default: str | None, pats: list[tuple[str, str]]) -> str | None:
    for pat, ci in pats:
        if fnmatch.fnmatchcase(name, pat):
            return ci
    return default


def metric_kind(metric: str) -> MetricKind:
    kind = kind_of(metric)
    if kind is not MetricKind.other:
        return kind
    tokens = re.split(r"[_\-.:/\s]+", metric.lower())
    for k, pat in _EXTRA_KINDS:
        if any(pat.match(t) for t in tokens):
            return k
    return kind


def _deltas(points: Sequence[tuple[float, float]]) -> list[tuple[float, float, float]]:
    """(t, increase, dt) between consecutive points; a counter reset gives no point."""
    out = []
    for (t0, v0), (t1, v1) in zip(points, points[1:], strict=False):
        if t1 > t0 and v1 >= v0 and math.isfinite(v0) and math.isfinite(v1):
            out.append((t1, v1 - v0, t1 - t0))
    return out


def _step(raw: Sequence[RawSeries]) -> float:
    gaps = [b[0] - a[0] for r in raw for a, b in zip(r.points, r.points[1:], strict=False)]
    gaps = [g for g in gaps if g > 0]
    return max(1.0, float(np.median(gaps))) if gaps else 1.0


def collect(
    raw: Sequence[RawSeries], cmdb: Cmdb | None, *, keep: set[str] | None = None
) -> tuple[dict[tuple[str, str], _Acc], float]:
    """Per (CI, metric): the binned values of every series; and the bin width in seconds."""
    step = _step(raw)
    pats = patterns(cmdb, "metrics")
    acc: dict[tuple[str, str], _Acc] = {}
    names = {r.name for r in raw}
    for r in raw:
        if r.name.endswith(_SKIP_SUFFIXES) or len(r.points) < 2:
            continue
        ci = ci_for(r.name, r.ci or r.labels.get("ci"), pats)
        if ci is None or (keep is not None and ci not in keep):
            continue
        base = r.name.removesuffix("_sum").removesuffix("_count")
        if r.name.endswith("_count") and base + "_sum" in names:
            continue  # read with its _sum as a mean
        if r.name.endswith("_sum") and base + "_count" in names:
            a = acc.setdefault((ci, base + ":mean"), _Acc("mean"))
            counts = _counts_for(raw, r)
            for (t, inc, _), (_, n, _) in zip(_deltas(r.points), _deltas(counts), strict=False):
                a.bins[int(t // step)].append(inc)
                a.den[int(t // step)].append(n)
        elif r.name.endswith(("_total", "_count")):
            a = acc.setdefault((ci, r.name + ":rate"), _Acc("rate"))
            for t, inc, dt in _deltas(r.points):
                a.bins[int(t // step)].append(inc / dt)
        else:
            a = acc.setdefault((ci, r.name), _Acc("level"))
            for t, v in r.points:
                if math.isfinite(v):
                    a.bins[int(t // step)].append(v)
    return acc, step


def _counts_for(raw: Sequence[RawSeries], s: RawSeries) -> Sequence[tuple[float, float]]:
    want = s.name.removesuffix("_sum") + "_count"
    for r in raw:
        if r.name == want and dict(r.labels) == dict(s.labels):
            return r.points
    return []


def to_series(
    raw: Sequence[RawSeries],
    cmdb: Cmdb | None,
    *,
    split_at: float,
    end: float,
    keep: set[str] | None = None,
    min_normal: int = 3,
    start: float | None = None,
) -> list[Series]:
    """Case series: bins `start..split_at` are the normal period, `split_at..end` anomalous."""
    acc, step = collect(raw, cmdb, keep=keep)
    out: list[Series] = []
    first, last = int(split_at // step), int(end // step)
    starts = [min(a.bins) for a in acc.values() if a.bins]
    scraped_from = min(starts) if starts else first
    if start is not None:
        scraped_from = max(scraped_from, int(start // step))
    for (ci, metric), a in sorted(acc.items()):
        if not a.bins:
            continue
        # A counter appears on its first increment (errors of a new status): before that,
        # while its target was scraped, it was 0, not missing.
        lo = scraped_from if a.kind == "rate" else max(min(a.bins), scraped_from)
        missing = 0.0 if a.kind == "rate" else math.nan
        values: dict[int, float] = {}
        for b, vs in a.bins.items():
            if a.kind == "mean":
                n = sum(a.den[b])
                values[b] = sum(vs) / n if n > 0 else math.nan
            elif a.kind == "rate":
                values[b] = float(sum(vs))
            else:
                values[b] = float(np.mean(vs))
        normal = np.array([values.get(b, missing) for b in range(lo, first)], dtype=float)
        anomalous = np.array([values.get(b, math.nan) for b in range(first, last + 1)], dtype=float)
        if np.isfinite(normal).sum() < min_normal or anomalous.size == 0:
            continue
        times = np.array([b * step for b in range(first, last + 1)], dtype=float)
        out.append(Series(ci, metric, normal, anomalous, times, metric_kind(metric)))
    return out


__all__ = ["RawSeries", "ci_for", "collect", "metric_kind", "patterns", "to_series"]
