"""Charts a service manager reads: request rate, error ratio, p95 latency, ... from raw series.

Raw Prometheus counters and histogram buckets mean little on a dashboard, so each chart
is derived on the server with the same range maths the baseline rules use
(`aiops.rules.series`): a chart says "errors: 7 %" rather than "a counter went up by 31".
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aiops.rules.series import extrapolated_rate, histogram_quantile
from aiops.store.series import SeriesInfo, SeriesStore

MAX_CHART_POINTS = 300  # per chart; the page has a few hundred pixels anyway


class ChartKind(StrEnum):
    rate = "rate"  # sum of per-second rates of a counter
    ratio = "ratio"  # rate(numerator) / rate(denominator)
    quantile = "quantile"  # histogram_quantile over `<metric>_bucket`
    gauge = "gauge"  # sum of the latest values of a gauge


@dataclass(frozen=True)
class ChartSpec:
    """One chart. `scale` turns the derived value into `unit` (ratio x100 -> %, s x1000 -> ms)."""

    id: str
    title: str
    unit: str
    kind: ChartKind
    metric: str
    match_re: Mapping[str, str] = field(default_factory=dict)
    denominator: str | None = None  # for ratio; same metric when None
    quantile: float = 0.95
    scale: float = 1.0
    window_s: float = 30.0  # rate window
    service: str | None = None  # marks come from this service (else the series' service)


DEFAULT_CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("requests", "Request rate", "req/s", ChartKind.rate, "sulu_http_requests_total"),
    ChartSpec(
        "errors",
        "Error ratio (5xx)",
        "%",
        ChartKind.ratio,
        "sulu_http_requests_total",
        match_re={"status": "5.."},
        scale=100.0,
    ),
    ChartSpec(
        "latency",
        "Latency p95",
        "ms",
        ChartKind.quantile,
        "sulu_http_request_duration_seconds",
        quantile=0.95,
        scale=1000.0,
    ),
    ChartSpec("db_pool", "DB connections in use", "conns", ChartKind.gauge, "sulu_db_pool_in_use"),
)


@dataclass
class ChartData:
    spec: ChartSpec
    xs: list[float]
    ys: list[float | None]
    service: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.spec.id,
            "title": self.spec.title,
            "unit": self.spec.unit,
            "kind": self.spec.kind.value,
            "service": self.service,
            "x": self.xs,
            "y": self.ys,
        }


Points = list[tuple[float, float]]


def _matches(info: SeriesInfo, match_re: Mapping[str, str]) -> bool:
    return all(re.fullmatch(rx, info.labels.get(k, "")) for k, rx in match_re.items())


def _window(pts: Points, times: list[float], start: float, end: float) -> Points:
    """Points with start < t <= end (left-open, as Prometheus ranges)."""
    return pts[bisect.bisect_right(times, start) : bisect.bisect_right(times, end)]


class _Loaded:
    """The points of some series, with their time columns for bisecting."""

    def __init__(self, store: SeriesStore, infos: Sequence[SeriesInfo], since: float) -> None:
        self.items: list[tuple[SeriesInfo, Points, list[float]]] = []
        for info in infos:
            pts = [p for p in store.points(info.key) if math.isfinite(p[1])]
            if pts:
                self.items.append((info, pts, [t for t, _ in pts]))
        self.since = since

    def grid(self) -> list[float]:
        ts = sorted({round(t, 3) for _, _, times in self.items for t in times if t >= self.since})
        if len(ts) > MAX_CHART_POINTS:
            step = len(ts) / MAX_CHART_POINTS
            ts = [ts[int(i * step)] for i in range(MAX_CHART_POINTS - 1)] + [ts[-1]]
        return ts

    def rate_sum(self, t: float, window_s: float, keep: Any = None) -> float | None:
        total, seen = 0.0, False
        for info, pts, times in self.items:
            if keep is not None and not keep(info):
                continue
            r = extrapolated_rate(_window(pts, times, t - window_s, t), t - window_s, t)
            if r is not None:
                total, seen = total + r, True
        return total if seen else None

    def latest_sum(self, t: float, window_s: float) -> float | None:
        total, seen = 0.0, False
        for _, pts, times in self.items:
            i = bisect.bisect_right(times, t) - 1
            if i >= 0 and pts[i][0] > t - window_s:
                total, seen = total + pts[i][1], True
        return total if seen else None

    def quantile(self, t: float, window_s: float, q: float) -> float | None:
        by_le: dict[float, float] = {}
        for info, pts, times in self.items:
            le = _le(info.labels.get("le", ""))
            if le is None:
                continue
            r = extrapolated_rate(_window(pts, times, t - window_s, t), t - window_s, t)
            if r is not None:
                by_le[le] = by_le.get(le, 0.0) + r
        v = histogram_quantile(q, sorted(by_le.items()))
        return v if math.isfinite(v) else None


def _le(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _value(spec: ChartSpec, data: _Loaded, t: float) -> float | None:
    w = spec.window_s
    if spec.kind is ChartKind.rate:
        return data.rate_sum(t, w, lambda i: _matches(i, spec.match_re))
    if spec.kind is ChartKind.gauge:
        return data.latest_sum(t, w)
    if spec.kind is ChartKind.quantile:
        return data.quantile(t, w, spec.quantile)
    num = data.rate_sum(t, w, lambda i: i.name == spec.metric and _matches(i, spec.match_re))
    den = data.rate_sum(t, w, lambda i: i.name == (spec.denominator or spec.metric))
    if num is None or den is None or den <= 0:
        return None
    return num / den


def _infos(store: SeriesStore, spec: ChartSpec) -> list[SeriesInfo]:
    if spec.kind is ChartKind.quantile:
        return store.series(name=f"{spec.metric}_bucket")
    names = {spec.metric, spec.denominator or spec.metric}
    out = [i for n in sorted(names) for i in store.series(name=n)]
    if spec.kind is ChartKind.gauge:
        out = [i for i in out if _matches(i, spec.match_re)]
    return out


def chart(store: SeriesStore, spec: ChartSpec, *, since: float) -> ChartData:
    """Derive one chart from the points at or after `since` (epoch seconds)."""
    infos = _infos(store, spec)
    # Every stored point is loaded, so the first rates after `since` see a full window.
    data = _Loaded(store, infos, since)
    xs = data.grid()
    if spec.kind is not ChartKind.gauge and xs:
        # A rate needs a full window behind it; the first scrapes would draw a false ramp.
        first = min(times[0] for _, _, times in data.items)
        xs = [t for t in xs if t >= first + spec.window_s]
    ys: list[float | None] = []
    for t in xs:
        v = _value(spec, data, t)
        ys.append(None if v is None else round(v * spec.scale, 6))
    services = sorted({i.service for i in infos if i.service})
    service = spec.service or (services[0] if services else None)
    return ChartData(spec, xs, ys, service)


def charts(store: SeriesStore, specs: Sequence[ChartSpec], *, since: float) -> list[ChartData]:
    return [chart(store, s, since=since) for s in specs]
