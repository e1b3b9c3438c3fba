"""Streaming metric anomaly detection: samples in, scores and explained signals out.

SeriesDetector.update(ts, value) -> Score        one series, one sample at a time
score_array(ts, values, config)  -> BatchResult  one series at once, same numbers
SeriesFleet.score(keys, ts, values, config)
                                 -> StreamResult many series a scrape at a time (numpy
                                                 state per series), same numbers
MetricDetector.observe_many(samples) -> [Signal] many series, keyed by Sample.series_key
"""

from aiops.detect.metrics.bank import DetectorBank, StreamResult
from aiops.detect.metrics.batch import BatchResult, score_array
from aiops.detect.metrics.config import DetectorConfig, MetricsConfig
from aiops.detect.metrics.detector import MetricDetector
from aiops.detect.metrics.features import DETECTORS
from aiops.detect.metrics.fleet import SeriesFleet
from aiops.detect.metrics.series import Score, SeriesDetector
from aiops.detect.metrics.status import Status

__all__ = [
    "DETECTORS",
    "BatchResult",
    "DetectorBank",
    "DetectorConfig",
    "MetricDetector",
    "MetricsConfig",
    "Score",
    "SeriesDetector",
    "SeriesFleet",
    "Status",
    "StreamResult",
    "score_array",
]
