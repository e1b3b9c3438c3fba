"""The value of each metric rule at `now`, per group of its `by` labels.

Mirrors the PromQL a person would write for the same rule:
- ratio:     sum by (by) (rate(num[w])) / sum by (by) (rate(den[w]))
- quantile:  histogram_quantile(q, sum by (le, by) (rate(metric_bucket[w])))
- threshold: fn(metric[w]) per series, or agg by (by) (fn(metric[w]))
A group with no data (too few points, zero denominator) has no value, as in PromQL.
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from collections.abc import Callable

from aiops.rules.config import QuantileParams, RatioParams, Selector, ThresholdParams
from aiops.rules.series import Series, SeriesStore, extrapolated_rate, histogram_quantile

GroupKey = tuple[tuple[str, str], ...]

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


def group_key(labels: dict[str, str], by: list[str]) -> GroupKey:
    return tuple((k, labels.get(k, "")) for k in by)


def _summed_rates(
    store: SeriesStore,
    sel: Selector,
    window: float,
    now: float,
    by: list[str],
    metric: str | None = None,
) -> dict[GroupKey, float]:
    sums: dict[GroupKey, float] = defaultdict(float)
    for series in store.select(sel, metric=metric):
        rate = extrapolated_rate(series.window(now - window, now), now - window, now)
        if rate is not None:
            sums[group_key(series.labels, by)] += rate
    return dict(sums)


def ratio(store: SeriesStore, p: RatioParams, now: float) -> dict[GroupKey, float]:
    num = _summed_rates(store, p.numerator, p.window, now, p.by)
    den = _summed_rates(store, p.denominator, p.window, now, p.by)
    out = {}
    for key, d in den.items():
        if d > 0:
            out[key] = num.get(key, 0.0) / d  # no error series yet means 0 errors
    return out


def quantile(store: SeriesStore, p: QuantileParams, now: float) -> dict[GroupKey, float]:
    by_le = [*p.by, "le"]
    rates = _summed_rates(store, p, p.window, now, by_le, metric=p.metric + "_bucket")
    groups: dict[GroupKey, list[tuple[float, float]]] = defaultdict(list)
    for key, rate in rates.items():
        le = _le(dict(key).get("le", ""))
        if le is not None:
            groups[key[:-1]].append((le, rate))
    out = {}
    for key, buckets in groups.items():
        value = histogram_quantile(p.quantile, buckets)
        if not math.isnan(value):
            out[key] = value
    return out


def _le(text: str) -> float | None:
    try:
        return float(text)  # "+Inf" parses to inf
    except ValueError:
        return None


def threshold(store: SeriesStore, p: ThresholdParams, now: float) -> dict[GroupKey, float]:
    values: list[tuple[Series, float]] = []
    for series in store.select(p):
        v = _series_value(series, p, now)
        if v is not None:
            values.append((series, v))
    if p.aggregate is None:
        return {tuple(sorted(s.labels.items())): v for s, v in values}
    groups: dict[GroupKey, list[float]] = defaultdict(list)
    for series, v in values:
        groups[group_key(series.labels, p.by)].append(v)
    agg = _AGGREGATES[p.aggregate]
    return {k: agg(vs) for k, vs in groups.items()}


_AGGREGATES: dict[str, Callable[[list[float]], float]] = {
    "sum": lambda xs: float(sum(xs)),
    "min": min,
    "max": max,
    "avg": lambda xs: sum(xs) / len(xs),
}


def _series_value(series: Series, p: ThresholdParams, now: float) -> float | None:
    start = now - p.window
    pts = series.window(start, now)
    if not pts:
        return None
    if p.function == "last":
        return pts[-1][1]
    if p.function in ("rate", "increase"):
        return extrapolated_rate(pts, start, now, is_rate=p.function == "rate")
    vals = [v for _, v in pts]
    if p.function == "avg":
        return sum(vals) / len(vals)
    return min(vals) if p.function == "min" else max(vals)
