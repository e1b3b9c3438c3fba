"""MetricDetector: many series, anomalies out as `Signal`s.

Series are scored by a `SeriesFleet` (numpy state for many series at once), with the
numbers of one `SeriesDetector` per series; `observe_many` takes a whole scrape in one
call, which is where the fleet's speed comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from aiops.detect.metrics.bank import StreamResult
from aiops.detect.metrics.config import MetricsConfig
from aiops.detect.metrics.fleet import SeriesFleet
from aiops.detect.metrics.series import Score
from aiops.model import Sample, Severity, Signal

SEVERE_SCORE = 0.9  # far beyond anything in the recent past


class MetricDetector:
    """Keeps the state of each `Sample.series_key` (its config by `MetricsConfig.for_metric`);
    the least recently seen is evicted past `max_series`, so memory stays bounded however
    many series arrive (`bytes_per_series` of its config each)."""

    def __init__(self, config: MetricsConfig | None = None, *, max_series: int = 10_000) -> None:
        self.config = config or MetricsConfig()
        self.max_series = max_series
        self._fleet = SeriesFleet(max_series)

    def __len__(self) -> int:
        return len(self._fleet)

    def score_many(self, samples: Sequence[Sample]) -> StreamResult:
        """Score each sample, in order (any number per series), as one array per field."""
        keys = [s.series_key for s in samples]
        ts = np.array([_seconds(s.timestamp) for s in samples], dtype=float)
        values = np.array([s.value for s in samples], dtype=float)
        return self._fleet.score(
            keys, ts, values, lambda i: self.config.for_metric(samples[i].name)
        )

    def observe_many(self, samples: Sequence[Sample]) -> list[Signal]:
        """A `Signal` for each anomalous sample, in input order (a scrape at a time)."""
        result = self.score_many(samples)
        return [
            to_signal(samples[i], result.at(i), self.config.for_metric(samples[i].name).horizon)
            for i in np.flatnonzero(result.is_anomaly).tolist()
        ]

    def score(self, sample: Sample) -> Score:
        return self.score_many([sample]).at(0)

    def observe(self, sample: Sample) -> Signal | None:
        """A `Signal` when `sample` is anomalous, else None."""
        signals = self.observe_many([sample])
        return signals[0] if signals else None


def to_signal(sample: Sample, result: Score, horizon: int) -> Signal:
    since = datetime.fromtimestamp(result.since, UTC) if result.since is not None else None
    return Signal(
        detector=result.detector or "metric",
        series=sample.series_key,
        at=sample.timestamp,
        since=since,
        score=min(1.0, max(0.0, result.score)),
        observed=sample.value,
        expected=result.expected,
        service=sample.service,
        ci=sample.ci,
        severity=Severity.error if result.score >= SEVERE_SCORE else Severity.warning,
        explanation=explain(sample.series_key, result, horizon, since),
        labels=dict(sample.labels),
    )


def explain(series: str, result: Score, horizon: int, since: datetime | None) -> str:
    """One sentence: which detector, observed vs expected, how unusual, since when."""
    expected = f"{result.expected:.4g}" if result.expected is not None else "unknown"
    when = f" since {since.isoformat()}" if since is not None else ""
    return (
        f"{result.detector}: {series} is {result.value:.4g}, expected about {expected} "
        f"({result.z:.1f} robust sigmas; outside the range of its last {horizon} "
        f"samples){when}"
    )


def _seconds(ts: datetime) -> float:
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.timestamp()
