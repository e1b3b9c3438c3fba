"""How far a metric's anomalous period is from its normal period: a robust z-score.

Why robust: normal periods hold spikes, and a mean/std baseline would let one spike
hide the fault. We use the median and the MAD (x 1.4826, so it estimates sigma for
Gaussian noise), falling back to the mean absolute deviation when more than half
the points are equal (counts of 0, availability stuck at 100%), and never letting
the scale fall under a floor relative to the level: a metric that was constant in
the normal period must still move by a meaningful fraction to look anomalous.
Counts get a Poisson floor (sqrt of the level), and a ratio (availability, error
rate) computed over n requests a sampling floor of one request in n.

Direction matters: latency, errors, CPU and memory are bad when they rise,
availability when it falls; traffic and unknown metrics count both ways.

When the series has `recent` points (just before the onset) we also measure
against that local level and keep the smaller of the two z-scores: the normal
period may be weeks away from the incident (PetShop's no-issue data is), and a
shift of level between then and now is not the fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from aiops.diagnose.case import MetricKind, Series

# Scale floor as a fraction of the normal level; larger when the normal period is too
# short to estimate the spread (then we assume a 10% spread).
REL_FLOOR = 0.001
REL_FLOOR_SHORT = 0.10
MIN_NORMAL_POINTS = 8
ABS_FLOOR = 1e-9
ONSET_Z = 3.0

_UP = (MetricKind.latency, MetricKind.errors, MetricKind.cpu, MetricKind.memory)


def direction(kind: MetricKind) -> int:
    """+1: bad when it rises; -1: bad when it falls; 0: both ways."""
    if kind in _UP:
        return 1
    if kind is MetricKind.availability:
        return -1
    return 0


@dataclass(frozen=True)
class Magnitude:
    """The anomaly of one series: the peak robust z in the bad direction, and where."""

    z: float  # >= 0; 0 when the series is not worse than normal
    baseline: float  # median of the normal period
    observed: float  # value at the peak
    scale: float
    onset: float | None  # time of the first anomalous point with z >= ONSET_Z
    points: int  # finite anomalous points looked at

    @property
    def ratio(self) -> float | None:
        """observed / baseline, when the baseline is not ~0."""
        if abs(self.baseline) < 1e-12:
            return None
        return self.observed / self.baseline


def robust_scale(
    values: np.ndarray,
    center: float,
    *,
    counts: bool = False,
    ratio: bool = False,
    sampled: bool = False,
) -> float:
    """sigma estimate of `values` around `center`, with the floors described above.

    `counts`: event counts, whose Poisson noise is at least sqrt(level). `ratio`: a bounded
    percentage or fraction (availability, error rate), whose level says nothing about its
    noise (100% is not "a large number"): the floor is a fraction of the full range instead.
    `sampled`: the caller applies a sampling floor (one request in n), the known noise of a
    ratio, so a short normal period needs no wider guess.
    """
    dev = np.abs(values - center)
    scale = 1.4826 * float(np.median(dev))
    if scale <= 0.0:
        scale = 1.2533 * float(np.mean(dev))  # MeanAD, consistent for Gaussian noise
    rel = REL_FLOOR if values.size >= MIN_NORMAL_POINTS or sampled else REL_FLOOR_SHORT
    if ratio:
        level = 100.0 if abs(center) > 1.0 else 1.0
        rel /= 10.0  # 0.01% of the range with a long normal period, 1% with a short one
    else:
        level = abs(center)
    floor = math.sqrt(max(abs(center), 1.0)) if counts else ABS_FLOOR
    return max(scale, rel * level, floor)


def _is_counts(kind: MetricKind, *arrays: np.ndarray) -> bool:
    """Integer-valued traffic or unknown series are counts (requests per bin, connections in
    use, queue length): one more than usual is noise, not a z of millions."""
    if kind not in (MetricKind.traffic, MetricKind.other):
        return False
    vals = np.concatenate([a[np.isfinite(a)] for a in arrays])
    return vals.size > 0 and bool(np.all(vals == np.round(vals))) and bool(np.all(vals >= 0))


def _is_ratio(normal: np.ndarray) -> bool:
    """Availability/error values within [0, 100] are a percentage (or a fraction)."""
    return bool(np.all((normal >= 0.0) & (normal <= 100.0)))


def _sampling_floor(series: Series, center: float) -> np.ndarray | None:
    """Per anomalous point, the smallest change a ratio over `series.samples` requests can show.

    An availability or error percentage over n requests moves in steps of 100/n: over two
    requests one failure is 50%, which is noise, not an outage.
    """
    if series.samples is None or series.kind not in (MetricKind.availability, MetricKind.errors):
        return None
    unit = 100.0 if abs(center) > 1.0 else 1.0
    n = np.asarray(series.samples, dtype=float)
    n = np.where(np.isfinite(n) & (n >= 1.0), n, 1.0)
    return unit / n


def _finite(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    return a[np.isfinite(a)]


def _z(values: np.ndarray, center: float, scale: np.ndarray | float, sign: int) -> np.ndarray:
    raw = (values - center) / scale
    if sign > 0:
        return raw
    if sign < 0:
        return -raw
    return np.abs(raw)


def measure(series: Series) -> Magnitude | None:
    """The anomaly of `series`, or None when it has no finite normal or anomalous point."""
    normal = _finite(series.normal)
    anomalous = np.asarray(series.anomalous, dtype=float)
    ok = np.isfinite(anomalous)
    if normal.size == 0 or not ok.any():
        return None
    center = float(np.median(normal))
    ratio = series.kind in (MetricKind.availability, MetricKind.errors) and _is_ratio(normal)
    sampling = _sampling_floor(series, center) if ratio else None
    counts = _is_counts(series.kind, normal, anomalous)
    scale = robust_scale(normal, center, counts=counts, ratio=ratio, sampled=sampling is not None)
    scales = (
        np.maximum(scale, sampling) if sampling is not None else np.full(anomalous.shape, scale)
    )
    sign = direction(series.kind)
    z = np.full(anomalous.shape, -math.inf)
    z[ok] = _z(anomalous[ok], center, scales[ok], sign)
    local = _finite(series.recent) if series.recent is not None else np.empty(0)
    if local.size:
        # same spread, local level: keep the smaller z (see module docstring)
        z[ok] = np.minimum(z[ok], _z(anomalous[ok], float(np.median(local)), scales[ok], sign))
    peak = int(np.argmax(z))
    onset = None
    if series.times is not None:
        hits = np.flatnonzero(z >= ONSET_Z)
        if hits.size:
            onset = float(np.asarray(series.times, dtype=float)[hits[0]])
    return Magnitude(
        z=max(float(z[peak]), 0.0),
        baseline=center,
        observed=float(anomalous[peak]),
        scale=scale,
        onset=onset,
        points=int(ok.sum()),
    )


__all__ = ["Magnitude", "direction", "measure", "robust_scale"]
