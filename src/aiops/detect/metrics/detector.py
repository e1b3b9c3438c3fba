"""MetricDetector: many series, one SeriesDetector each, anomalies out as `Signal`s."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime

from aiops.detect.metrics.config import MetricsConfig
from aiops.detect.metrics.series import Score, SeriesDetector
from aiops.model import Sample, Severity, Signal

SEVERE_SCORE = 0.9  # far beyond anything in the recent past


class MetricDetector:
    """Keeps one detector per `Sample.series_key`; the least recently seen is evicted past
    `max_series`, so memory stays bounded however many series arrive."""

    def __init__(self, config: MetricsConfig | None = None, *, max_series: int = 10_000) -> None:
        self.config = config or MetricsConfig()
        self.max_series = max_series
        self._series: OrderedDict[str, SeriesDetector] = OrderedDict()

    def __len__(self) -> int:
        return len(self._series)

    def score(self, sample: Sample) -> Score:
        key = sample.series_key
        detector = self._series.pop(key, None)
        if detector is None:
            detector = SeriesDetector(self.config.for_metric(sample.name))
            while len(self._series) >= self.max_series:
                self._series.popitem(last=False)
        self._series[key] = detector
        return detector.update(_seconds(sample.timestamp), sample.value)

    def observe(self, sample: Sample) -> Signal | None:
        """A `Signal` when `sample` is anomalous, else None."""
        result = self.score(sample)
        if not result.is_anomaly:
            return None
        return to_signal(sample, result, self._series[sample.series_key])


def to_signal(sample: Sample, result: Score, detector: SeriesDetector) -> Signal:
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
        explanation=explain(sample.series_key, result, detector.config.horizon, since),
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
