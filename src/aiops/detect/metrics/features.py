"""The features each detector watches, in a fixed order shared by both paths."""

from __future__ import annotations

from aiops.detect.metrics import changepoint, drop, seasonal, spike

# Index = feature column; the name is the detector reported in a signal.
DETECTORS: tuple[str, ...] = (
    spike.NAME,
    changepoint.LEVEL,
    seasonal.NAME,
    changepoint.SPREAD,
    drop.NAME,
)
SPIKE, LEVEL, SEASONAL, SPREAD, DROP = range(5)
