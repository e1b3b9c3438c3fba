"""Detection stage: metric samples (and, later, log lines) in, `Signal`s out."""

from aiops.detect.metrics import (
    DETECTORS,
    BatchResult,
    DetectorConfig,
    MetricDetector,
    MetricsConfig,
    Score,
    SeriesDetector,
    Status,
    score_array,
)

__all__ = [
    "DETECTORS",
    "BatchResult",
    "DetectorConfig",
    "MetricDetector",
    "MetricsConfig",
    "Score",
    "SeriesDetector",
    "Status",
    "score_array",
]
